using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MobileViT.Runtime;

/// <summary>
/// Working memory for generated Run methods, aligned to 64 bytes. The memory planner places every tensor at a multiple
/// of 16 floats from the arena's start, so with an aligned start every row the kernels load or store as a whole vector
/// sits inside one cache line; a managed float[] starts wherever the GC put it (any multiple of 8 bytes), which split
/// every 512-bit access across two lines (MobileNetV3-L: sum of per-step minima 3.5-3.7 ms at 16 bytes past a line
/// against 3.2-3.5 ms aligned, development timer).
/// </summary>
public static unsafe class ScratchMemory
{
    /// <summary>Bytes the arena's start is aligned to: a cache line, one 512-bit vector.</summary>
    public const int Alignment = 64;

    /// <summary>Floats a buffer needs beyond the arena to hold an aligned arena anywhere in it.</summary>
    public const int Slack = Alignment / sizeof(float) - 1;

    /// <summary>A pinned buffer (it never moves, so an aligned offset into it stays aligned) for an arena of <paramref name="length"/> floats.</summary>
    public static float[] Allocate(int length) => GC.AllocateArray<float>(length + Slack, pinned: true);

    /// <summary>
    /// A kernel's working buffer of at least <paramref name="length"/> floats, kept in <paramref name="slot"/> (a
    /// [ThreadStatic] field of the kernel) and replaced only when a larger one is needed: the first call on a thread
    /// allocates, later calls of the same or smaller size allocate nothing. Pinned, so it can be used by pointer.
    /// </summary>
    internal static float[] Reuse(ref float[]? slot, long length)
    {
        if (slot is { } existing && existing.Length >= length) return existing;
        if (length > Array.MaxLength) throw new ArgumentException($"A kernel's working buffer of {length} floats exceeds an array's size.", nameof(length));
        return slot = GC.AllocateArray<float>((int)length, pinned: true);
    }

    /// <summary>
    /// <paramref name="length"/> floats of <paramref name="buffer"/> starting at its first 64-byte boundary when the buffer
    /// has room for that (<see cref="Slack"/> floats more than the arena), else from its start. The buffer must be pinned
    /// or otherwise fixed in memory for the alignment to hold (buffers from <see cref="Allocate"/>, stack or native memory).
    /// </summary>
    public static Span<float> Align(Span<float> buffer, int length)
    {
        if (buffer.Length < length + Slack) return buffer;
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetReference(buffer));
        int skip = (int)((Alignment - (address & (Alignment - 1))) & (Alignment - 1)) / sizeof(float);
        return buffer.Slice(skip, length);
    }
}
