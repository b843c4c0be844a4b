// A CPU emulation of the CUDA C++ subset DiffGen's kernels use, so their sources can be compiled with g++
// (-std=c++20 -pthread) and their results checked without a GPU. Every CUDA thread of a block is a std::thread;
// blocks run one after another, so `__shared__` (a function-local static here) is private to the running block.
// __syncthreads is a block-wide std::barrier; __shfl_down_sync exchanges values through a per-warp slot array
// between two warp-wide barriers, so it is exact as long as all 32 lanes of a warp call it (full mask), which
// is what the kernels require of their callers anyway (blockDim.x a multiple of 32 for reductions).
#pragma once

#include <atomic>
#include <barrier>
#include <cmath>
#include <cstring>
#include <math.h>
#include <memory>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__ __restrict
#define __shared__ static

struct dim3 { unsigned x = 1, y = 1, z = 1; };

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;

struct diffgen_emu_warp
{
    std::barrier<> barrier{32};
    alignas(16) unsigned char slots[32][16];
};

inline thread_local std::barrier<>* diffgen_emu_block_barrier = nullptr;
inline thread_local diffgen_emu_warp* diffgen_emu_current_warp = nullptr;
inline thread_local int diffgen_emu_lane = 0;

inline void __syncthreads() { diffgen_emu_block_barrier->arrive_and_wait(); }

template <typename T>
inline T __shfl_down_sync(unsigned /*mask*/, T value, int delta)
{
    static_assert(sizeof(T) <= 16, "shuffle of a value wider than 16 bytes");
    diffgen_emu_warp* warp = diffgen_emu_current_warp;
    std::memcpy(warp->slots[diffgen_emu_lane], &value, sizeof(T));
    warp->barrier.arrive_and_wait();
    T result = value;
    int source = diffgen_emu_lane + delta;
    if (source < 32) std::memcpy(&result, warp->slots[source], sizeof(T));
    warp->barrier.arrive_and_wait(); // nobody overwrites a slot before every lane has read
    return result;
}

// Atomics (std::atomic_ref, C++20): what generated kernels use for sums across blocks and for error reports.
inline float atomicAdd(float* address, float value) { return std::atomic_ref<float>(*address).fetch_add(value); }
inline double atomicAdd(double* address, double value) { return std::atomic_ref<double>(*address).fetch_add(value); }
inline int atomicCAS(int* address, int compare, int value)
{
    std::atomic_ref<int>(*address).compare_exchange_strong(compare, value);
    return compare;
}

inline float __int_as_float(int bits) { float f; std::memcpy(&f, &bits, sizeof f); return f; }
inline double __longlong_as_double(long long bits) { double d; std::memcpy(&d, &bits, sizeof d); return d; }

// Runs `kernel` (a callable that invokes the extern "C" kernel) on a 1-D grid of 1-D blocks.
template <typename Kernel>
void diffgen_emu_launch(unsigned grid, unsigned block, Kernel kernel)
{
    gridDim = dim3{grid, 1, 1};
    blockDim = dim3{block, 1, 1};
    for (unsigned b = 0; b < grid; ++b)
    {
        std::barrier<> blockBarrier(static_cast<std::ptrdiff_t>(block));
        std::vector<std::unique_ptr<diffgen_emu_warp>> warps;
        for (unsigned w = 0; w < (block + 31) / 32; ++w) warps.push_back(std::make_unique<diffgen_emu_warp>());
        std::vector<std::thread> threads;
        threads.reserve(block);
        for (unsigned t = 0; t < block; ++t)
        {
            threads.emplace_back([&, t, b]
            {
                threadIdx = dim3{t, 1, 1};
                blockIdx = dim3{b, 1, 1};
                diffgen_emu_block_barrier = &blockBarrier;
                diffgen_emu_current_warp = warps[t / 32].get();
                diffgen_emu_lane = static_cast<int>(t % 32);
                kernel();
            });
        }
        for (std::thread& thread : threads) thread.join();
    }
}
