// A CPU emulation of the CUDA C++ subset DiffGen's kernels use, so their sources can be compiled with g++
// (-std=c++20 -pthread) and their results checked without a GPU. Every CUDA thread of a block is a std::thread;
// blocks run one after another, so `__shared__` (a function-local static here) is private to the running block.
// __syncthreads is a block-wide std::barrier; __shfl_down_sync exchanges values through a per-warp slot array
// between two warp-wide barriers, so it is exact as long as all 32 lanes of a warp call it (full mask), which
// is what the kernels require of their callers anyway (blockDim.x a multiple of 32 for reductions).
//
// With DIFFGEN_EMU_STRICT defined (tests/DiffGen.Tests/Device/EmulatedDevice.cs, strictMemory: true, rewrites every
// global-memory element access `x[i]` of a generated source into `__emu_at(x, i, "x")`), global memory is weak (a
// store reaches other threads only at a barrier, as much as CUDA promises to racy code) and conflicts are reported:
//  - a thread's stores stay in its own buffer (it reads its own stores back) until the next __syncthreads of its
//    block or the end of the kernel, when the block's buffers are written to memory in thread order, so of two
//    unsynchronized stores to one element the higher thread's wins (a lost update, as on a GPU under a race);
//  - two threads of one block that touch the same element between two barriers, or two blocks that touch it in one
//    launch, at least one of them writing (atomics excepted), are a data race: counted, and the first one described,
//    for __emu_races().
#pragma once

#include <atomic>
#include <barrier>
#include <cmath>
#include <cstring>
#include <math.h>
#include <memory>
#include <thread>
#include <vector>
#ifdef DIFFGEN_EMU_STRICT
#include <cstdio>
#include <mutex>
#include <string>
#include <unordered_map>
#endif

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
    unsigned epoch = 0; // __syncwarp calls so far in this block (strict memory: orders the warp's own accesses)
    int first = 0;      // the block's thread index of lane 0
};

// One block while it runs: under DIFFGEN_EMU_STRICT, the threads' pending stores and the barrier count (epoch).
struct diffgen_emu_block
{
#ifdef DIFFGEN_EMU_STRICT
    struct pending { unsigned char bytes[8]; };
    struct thread_stores
    {
        std::unordered_map<void*, pending> values;
        std::vector<std::pair<void*, int>> order; // address, size: first store first
    };
    std::vector<thread_stores> threads;
#endif
    unsigned epoch = 0;

    // Publishes every thread's stores, thread 0 first (so the highest thread wins a conflict); one thread runs it.
    void flush() noexcept
    {
        flush_threads(0, static_cast<int>(threads_count()));
        ++epoch;
    }

    // Publishes the stores of threads [from, to) (a warp at __syncwarp, or the whole block).
    void flush_threads(int from, int to) noexcept
    {
#ifdef DIFFGEN_EMU_STRICT
        for (int i = from; i < to && i < static_cast<int>(threads.size()); ++i)
        {
            thread_stores& t = threads[static_cast<std::size_t>(i)];
            for (auto [address, size] : t.order) std::memcpy(address, t.values[address].bytes, static_cast<std::size_t>(size));
            t.values.clear();
            t.order.clear();
        }
#else
        (void)from; (void)to;
#endif
    }

#ifdef DIFFGEN_EMU_STRICT
    std::size_t threads_count() const noexcept { return threads.size(); }
#else
    std::size_t threads_count() const noexcept { return 0; }
#endif
};

struct diffgen_emu_barrier_completion
{
    diffgen_emu_block* block;
    void operator()() noexcept { block->flush(); }
};

inline thread_local std::barrier<diffgen_emu_barrier_completion>* diffgen_emu_block_barrier = nullptr;
inline thread_local diffgen_emu_block* diffgen_emu_current_block = nullptr;
inline thread_local diffgen_emu_warp* diffgen_emu_current_warp = nullptr;
inline thread_local int diffgen_emu_lane = 0;

inline void __syncthreads() { diffgen_emu_block_barrier->arrive_and_wait(); }

// A lane reads `source`'s value (its own when source is outside the warp): every lane of the warp calls (full mask).
template <typename T>
inline T diffgen_emu_shuffle(T value, int source)
{
    static_assert(sizeof(T) <= 16, "shuffle of a value wider than 16 bytes");
    diffgen_emu_warp* warp = diffgen_emu_current_warp;
    std::memcpy(warp->slots[diffgen_emu_lane], &value, sizeof(T));
    warp->barrier.arrive_and_wait();
    T result = value;
    if (source >= 0 && source < 32) std::memcpy(&result, warp->slots[source], sizeof(T));
    warp->barrier.arrive_and_wait(); // nobody overwrites a slot before every lane has read
    return result;
}

template <typename T>
inline T __shfl_down_sync(unsigned /*mask*/, T value, int delta) { return diffgen_emu_shuffle(value, diffgen_emu_lane + delta); }

template <typename T>
inline T __shfl_xor_sync(unsigned /*mask*/, T value, int mask) { return diffgen_emu_shuffle(value, diffgen_emu_lane ^ mask); }

// A warp-wide barrier: the warp's memory accesses before it are ordered before those after it (strict memory: the
// warp's stores are published, and its own accesses on either side of it are no race).
inline void __syncwarp(unsigned /*mask*/ = 0xffffffffu)
{
    diffgen_emu_warp* warp = diffgen_emu_current_warp;
    warp->barrier.arrive_and_wait();
    if (diffgen_emu_lane == 0)
    {
        diffgen_emu_current_block->flush_threads(warp->first, warp->first + 32);
        ++warp->epoch;
    }
    warp->barrier.arrive_and_wait();
}

// TF32 tensor cores (the prelude's __dg_tf32 and __dg_mma8; PTX cvt.rna.tf32.f32 and mma.sync.aligned.m16n8k8.row.col
// .f32.tf32.tf32.f32). Rounding: to a 10-bit mantissa, nearest, ties away from zero (add half of the dropped 13 bits to the
// magnitude, then clear them); NaN and infinity pass. The mma is a warp collective as on the GPU: each lane holds its
// fragment registers only, and gathers the A and B values its four C entries need from their owners by shuffles, with
// the PTX layout (g = lane / 4, t = lane % 4; A[r][k] is a[(r / 8) + 2 (k / 4)] of lane (r % 8) * 4 + k % 4, B[k][n] is
// b[k / 4] of lane n * 4 + k % 4, C[g + 8 h][2 t + e] is c[2 h + e]). Products of TF32 values are exact in float.
#define DIFFGEN_EMU_TF32 1
inline unsigned __dg_tf32(float x)
{
    unsigned bits;
    std::memcpy(&bits, &x, sizeof bits);
    if ((bits & 0x7f800000u) != 0x7f800000u) bits = (bits + 0x1000u) & 0xffffe000u;
    return bits;
}

inline void __dg_mma8(float* c, const unsigned* a, const unsigned* b)
{
    const int g = diffgen_emu_lane >> 2, t = diffgen_emu_lane & 3;
    float sum[4] = { c[0], c[1], c[2], c[3] };
    for (int k = 0; k < 8; k++)
    {
        float av[2], bv[2];
        for (int h = 0; h < 2; h++)
        {
            const unsigned x = diffgen_emu_shuffle(a[h + 2 * (k / 4)], g * 4 + k % 4); // A[g + 8 h][k]
            std::memcpy(&av[h], &x, sizeof x);
        }
        for (int e = 0; e < 2; e++)
        {
            const unsigned x = diffgen_emu_shuffle(b[k / 4], (2 * t + e) * 4 + k % 4); // B[k][2 t + e]
            std::memcpy(&bv[e], &x, sizeof x);
        }
        for (int i = 0; i < 4; i++) sum[i] += av[i >> 1] * bv[i & 1];
    }
    for (int i = 0; i < 4; i++) c[i] = sum[i];
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

#ifdef DIFFGEN_EMU_STRICT
// ---- strict memory: store buffers and race detection (see the top of the file)

struct diffgen_emu_cell
{
    unsigned block;
    unsigned epoch;
    int writer;     // thread of the block that stored in this epoch, or -1
    int reader;     // thread that loaded in this epoch, -1 none, -2 several
    bool written;   // the block stored (any epoch)
    unsigned wepoch = 0;  // the writer's warp epoch at its store
    int rwarp = -1;       // the warp of every reader of this epoch, -2 when several warps read
    unsigned repoch = 0;  // the warp epoch of the last read
};

inline std::mutex diffgen_emu_mutex;
inline std::unordered_map<const void*, diffgen_emu_cell> diffgen_emu_cells; // this launch
inline long diffgen_emu_race_count = 0;
inline std::string diffgen_emu_first_race;
inline const char* diffgen_emu_kernel_name = "";

inline void diffgen_emu_note(const void* address, long long index, const char* name, bool write)
{
    std::lock_guard<std::mutex> lock(diffgen_emu_mutex);
    const unsigned block = blockIdx.x, epoch = diffgen_emu_current_block->epoch;
    const int thread = static_cast<int>(threadIdx.x);
    auto [it, fresh] = diffgen_emu_cells.try_emplace(address, diffgen_emu_cell{block, epoch, -1, -1, false});
    diffgen_emu_cell& c = it->second;
    const char* kind = nullptr;
    int other = -1;
    if (!fresh && c.block != block)
    {
        if (write || c.written) { kind = "blocks"; other = static_cast<int>(c.block); }
        c = diffgen_emu_cell{block, epoch, -1, -1, false};
    }
    else if (!fresh && c.epoch != epoch)
    {
        c.epoch = epoch;
        c.writer = -1;
        c.reader = -1;
        c.rwarp = -1;
    }
    const int warp = thread / 32;
    const unsigned wepoch = diffgen_emu_current_warp->epoch;
    if (kind == nullptr)
    {
        // accesses of one warp on either side of a __syncwarp are ordered
        if (c.writer >= 0 && c.writer != thread && c.writer / 32 == warp && c.wepoch != wepoch) c.writer = -1;
        if (c.reader != -1 && c.rwarp == warp && c.repoch != wepoch) { c.reader = -1; c.rwarp = -1; }
        if (c.writer >= 0 && c.writer != thread) { kind = "threads"; other = c.writer; }
        else if (write && c.reader != -1 && c.reader != thread) { kind = "threads"; other = c.reader; }
    }
    if (write) { c.writer = thread; c.written = true; c.wepoch = wepoch; }
    else
    {
        c.rwarp = c.reader == -1 || c.rwarp == warp ? warp : -2;
        c.reader = c.reader == -1 || c.reader == thread ? thread : -2;
        c.repoch = wepoch;
    }
    if (kind != nullptr && diffgen_emu_race_count++ == 0)
    {
        char text[320];
        std::snprintf(text, sizeof text, "%s: %s[%lld] %s by block %u thread %d and, unsynchronized, by %s %d%s",
            diffgen_emu_kernel_name, name, index, write ? "stored" : "loaded", block, thread,
            kind[0] == 'b' ? "block" : "thread", other, kind[0] == 'b' ? "" : " of the same block (no __syncthreads between)");
        diffgen_emu_first_race = text;
    }
}

// A global-memory element: loads see the thread's own pending store, stores go to the thread's buffer.
template <typename T>
struct __emu_ref
{
    T* p;
    long long index;
    const char* name;

    T load() const
    {
        diffgen_emu_note(p, index, name, false);
        auto& mine = diffgen_emu_current_block->threads[threadIdx.x].values;
        auto it = mine.find(static_cast<void*>(p));
        if (it == mine.end()) return *p;
        T v;
        std::memcpy(&v, it->second.bytes, sizeof(T));
        return v;
    }

    void store(T v) const
    {
        static_assert(sizeof(T) <= 8, "element wider than 8 bytes");
        diffgen_emu_note(p, index, name, true);
        auto& mine = diffgen_emu_current_block->threads[threadIdx.x];
        auto [it, fresh] = mine.values.try_emplace(static_cast<void*>(p));
        if (fresh) mine.order.emplace_back(static_cast<void*>(p), static_cast<int>(sizeof(T)));
        std::memcpy(it->second.bytes, &v, sizeof(T));
    }

    operator T() const { return load(); }
    const __emu_ref& operator=(T v) const { store(v); return *this; }
    const __emu_ref& operator=(const __emu_ref& o) const { store(o.load()); return *this; }
    const __emu_ref& operator+=(T v) const { store(load() + v); return *this; }
    const __emu_ref& operator-=(T v) const { store(load() - v); return *this; }
    const __emu_ref& operator*=(T v) const { store(load() * v); return *this; }
    const __emu_ref& operator/=(T v) const { store(load() / v); return *this; }
    T* operator&() const { return p; } // atomics: straight to memory, not tracked
};

template <typename T>
inline __emu_ref<T> __emu_at(T* p, long long i, const char* name) { return __emu_ref<T>{p + i, i, name}; }

// The prelude's __dg_max/__dg_min deduce T from both arguments: accept an element on either side.
template <typename T> T __dg_max(T a, T b);
template <typename T> T __dg_min(T a, T b);
template <typename T> inline T __dg_max(__emu_ref<T> a, T b) { return __dg_max<T>(a.load(), b); }
template <typename T> inline T __dg_max(T a, __emu_ref<T> b) { return __dg_max<T>(a, b.load()); }
template <typename T> inline T __dg_max(__emu_ref<T> a, __emu_ref<T> b) { return __dg_max<T>(a.load(), b.load()); }
template <typename T> inline T __dg_min(__emu_ref<T> a, T b) { return __dg_min<T>(a.load(), b); }
template <typename T> inline T __dg_min(T a, __emu_ref<T> b) { return __dg_min<T>(a, b.load()); }
template <typename T> inline T __dg_min(__emu_ref<T> a, __emu_ref<T> b) { return __dg_min<T>(a.load(), b.load()); }

// Races since the last call (0: none) and the first one's description in `text`; resets both.
extern "C" long __emu_races(char* text, int capacity)
{
    std::lock_guard<std::mutex> lock(diffgen_emu_mutex);
    long n = diffgen_emu_race_count;
    if (capacity > 0) std::snprintf(text, static_cast<std::size_t>(capacity), "%s", diffgen_emu_first_race.c_str());
    diffgen_emu_race_count = 0;
    diffgen_emu_first_race.clear();
    return n;
}
#endif

// Runs `kernel` (a callable that invokes the extern "C" kernel) on a 1-D grid of 1-D blocks.
template <typename Kernel>
void diffgen_emu_launch(unsigned grid, unsigned block, Kernel kernel, const char* name = "")
{
    gridDim = dim3{grid, 1, 1};
    blockDim = dim3{block, 1, 1};
#ifdef DIFFGEN_EMU_STRICT
    diffgen_emu_kernel_name = name;
    diffgen_emu_cells.clear();
#else
    (void)name;
#endif
    for (unsigned b = 0; b < grid; ++b)
    {
        diffgen_emu_block state;
#ifdef DIFFGEN_EMU_STRICT
        state.threads.resize(block);
#endif
        std::barrier<diffgen_emu_barrier_completion> blockBarrier(static_cast<std::ptrdiff_t>(block), diffgen_emu_barrier_completion{&state});
        std::vector<std::unique_ptr<diffgen_emu_warp>> warps;
        for (unsigned w = 0; w < (block + 31) / 32; ++w)
        {
            warps.push_back(std::make_unique<diffgen_emu_warp>());
            warps.back()->first = static_cast<int>(w * 32);
        }
        std::vector<std::thread> threads;
        threads.reserve(block);
        for (unsigned t = 0; t < block; ++t)
        {
            threads.emplace_back([&, t, b]
            {
                threadIdx = dim3{t, 1, 1};
                blockIdx = dim3{b, 1, 1};
                diffgen_emu_block_barrier = &blockBarrier;
                diffgen_emu_current_block = &state;
                diffgen_emu_current_warp = warps[t / 32].get();
                diffgen_emu_lane = static_cast<int>(t % 32);
                kernel();
            });
        }
        for (std::thread& thread : threads) thread.join();
        state.flush(); // the end of the kernel publishes what is still pending
    }
}
