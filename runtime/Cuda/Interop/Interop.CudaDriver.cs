using System.Runtime.InteropServices;

namespace DiffGen.Cuda
{
    internal static partial class Interop
    {
        /// <summary>
        /// CUDA driver API (cuda.h). Handles are passed as their SafeHandle (the marshaller holds a reference for the
        /// call, so a concurrent Dispose cannot free them mid-call); the raw <see cref="nint"/> forms are only for
        /// creating and releasing (inside ReleaseHandle). CUfunction is <see cref="nint"/> (owned by its module),
        /// CUdevice is <see cref="int"/>, CUdeviceptr is <see cref="ulong"/> (the 64-bit "_v2" ABI), size_t is
        /// <see cref="nuint"/>. Only the primary context is used: cuCtxCreate changed signature in CUDA 13.
        /// </summary>
        internal static unsafe partial class CudaDriver
        {
            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuInit(uint flags);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuDriverGetVersion(int* driverVersion);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuDeviceGetCount(int* count);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuDeviceGet(int* device, int ordinal);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuDeviceGetAttribute(int* value, CuDeviceAttribute attribute, int device);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuDeviceGetName(byte* name, int length, int device);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuDevicePrimaryCtxRetain(nint* context, int device);

            /// <summary>The "_v2" release (CUDA 11+); the unversioned symbol is the pre-11 ABI.</summary>
            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuDevicePrimaryCtxRelease_v2(int device);

            /// <summary>Raw form, for ReleaseHandle of a handle that holds a reference on the context.</summary>
            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuCtxSetCurrent(nint context);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuCtxSetCurrent(CudaPrimaryContextHandle context);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemAlloc_v2(ulong* devicePointer, nuint byteCount);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemFree_v2(ulong devicePointer);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemcpyHtoD_v2(ulong destination, void* source, nuint byteCount);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemcpyHtoD_v2(DeviceMemoryHandle destination, void* source, nuint byteCount);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemcpyDtoH_v2(void* destination, ulong source, nuint byteCount);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemcpyDtoH_v2(void* destination, DeviceMemoryHandle source, nuint byteCount);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemcpyDtoD_v2(ulong destination, ulong source, nuint byteCount);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemcpyDtoD_v2(DeviceMemoryHandle destination, DeviceMemoryHandle source, nuint byteCount);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemsetD8_v2(ulong destination, byte value, nuint count);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuMemsetD8_v2(DeviceMemoryHandle destination, byte value, nuint count);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuStreamCreate(nint* stream, CuStreamFlags flags);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuStreamDestroy_v2(nint stream);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuStreamSynchronize(CudaStreamHandle stream);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuModuleLoadData(nint* module, void* image);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuModuleUnload(nint module);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuModuleGetFunction(nint* function, CudaModuleHandle module, byte* name);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuLaunchKernel(
                nint function,
                uint gridDimX, uint gridDimY, uint gridDimZ,
                uint blockDimX, uint blockDimY, uint blockDimZ,
                uint sharedMemBytes, CudaStreamHandle stream, void** kernelParams, void** extra);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuGetErrorName(CuResult error, byte** name);

            [LibraryImport(Libraries.CudaDriver)]
            internal static partial CuResult cuGetErrorString(CuResult error, byte** description);

            /// <summary>Every export above; the loader rejects a candidate that lacks one.</summary>
            internal static readonly string[] RequiredExports =
            [
                "cuInit", "cuDriverGetVersion", "cuDeviceGetCount", "cuDeviceGet", "cuDeviceGetAttribute",
                "cuDeviceGetName", "cuDevicePrimaryCtxRetain", "cuDevicePrimaryCtxRelease_v2", "cuCtxSetCurrent",
                "cuMemAlloc_v2", "cuMemFree_v2", "cuMemcpyHtoD_v2", "cuMemcpyDtoH_v2",
                "cuMemcpyDtoD_v2", "cuMemsetD8_v2", "cuStreamCreate", "cuStreamDestroy_v2", "cuStreamSynchronize",
                "cuModuleLoadData", "cuModuleUnload", "cuModuleGetFunction", "cuLaunchKernel", "cuGetErrorName",
                "cuGetErrorString",
            ];
        }
    }
}
