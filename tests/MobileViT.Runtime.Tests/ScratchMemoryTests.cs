using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MobileViT.Runtime.Tests;

/// <summary>Generated Run methods start their arena on a 64-byte boundary when the buffer has room for it.</summary>
public unsafe class ScratchMemoryTests
{
    private static long AddressOf(Span<float> span) => (long)Unsafe.AsPointer(ref MemoryMarshal.GetReference(span));

    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(1_505_280)]
    public void Allocate_HasRoomForAnAlignedArena(int length)
    {
        float[] buffer = ScratchMemory.Allocate(length);
        Assert.Equal(length + ScratchMemory.Slack, buffer.Length);
        Span<float> arena = ScratchMemory.Align(buffer, length);
        Assert.Equal(length, arena.Length);
        Assert.Equal(0, AddressOf(arena) % ScratchMemory.Alignment);
    }

    [Fact]
    public void Align_FindsTheBoundaryAtEveryStartingFloat()
    {
        float[] buffer = ScratchMemory.Allocate(100 + 2 * ScratchMemory.Slack);
        for (int start = 0; start <= ScratchMemory.Slack; start++)
        {
            Span<float> arena = ScratchMemory.Align(buffer.AsSpan(start, 100 + ScratchMemory.Slack), 100);
            Assert.Equal(100, arena.Length);
            Assert.Equal(0, AddressOf(arena) % ScratchMemory.Alignment);
            long skipped = (AddressOf(arena) - AddressOf(buffer.AsSpan(start))) / sizeof(float);
            Assert.InRange(skipped, 0, ScratchMemory.Slack);
        }
    }

    [Fact]
    public void Align_LeavesABufferWithoutRoomAsItIs()
    {
        float[] buffer = ScratchMemory.Allocate(100);
        Span<float> tight = buffer.AsSpan(1, 100 + ScratchMemory.Slack - 1);
        Span<float> arena = ScratchMemory.Align(tight, 100);
        Assert.Equal(AddressOf(tight), AddressOf(arena));
        Assert.Equal(tight.Length, arena.Length);
    }
}
