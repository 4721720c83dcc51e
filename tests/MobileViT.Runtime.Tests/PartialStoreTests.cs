using System;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MobileViT.Runtime.Simd;

namespace MobileViT.Runtime.Tests;

/// <summary>
/// A partial store writes exactly the first count lanes and leaves the floats after them alone: a row's last vector
/// is stored this way with the next row, or the next tensor, right behind it. Through StorePartial (plain pieces with
/// SSE, a lane loop without) and through the pieces directly.
/// </summary>
public unsafe class PartialStoreTests
{
    private const float Untouched = -12345.5f;

    [Fact]
    public void Vector256PartialStoresWriteTheFirstLanesOnly()
    {
        var value = Vector256.Create(1.5f, 2.5f, 3.5f, 4.5f, 5.5f, 6.5f, 7.5f, 8.5f);
        for (int count = 0; count <= 8; count++)
        {
            AssertStores(count, 8, destination => Vector256Isa.StorePartial(destination, value, count), "StorePartial");
            if (count < 8 && Sse.IsSupported)
                AssertStores(count, 8, destination => Vector256Isa.StoreInPieces(destination, value, count), "StoreInPieces");
        }
    }

    [Fact]
    public void Vector128PartialStoresWriteTheFirstLanesOnly()
    {
        var value = Vector128.Create(1.5f, 2.5f, 3.5f, 4.5f);
        for (int count = 0; count <= 4; count++)
        {
            AssertStores(count, 4, destination => Vector128Isa.StorePartial(destination, value, count), "StorePartial");
            if (count < 4 && Sse.IsSupported)
                AssertStores(count, 4, destination => Vector128Isa.StoreInPieces(destination, value, count), "StoreInPieces");
        }
    }

    private delegate void Store(float* destination);

    private static void AssertStores(int count, int lanes, Store store, string form)
    {
        var buffer = new float[lanes + 4];
        Array.Fill(buffer, Untouched);
        fixed (float* start = buffer) store(start + 2);
        for (int i = 0; i < buffer.Length; i++)
        {
            int lane = i - 2;
            float expected = lane >= 0 && lane < count ? 1.5f + lane : Untouched;
            Assert.True(expected == buffer[i], $"{form}, {count} of {lanes} lanes: float {lane} is {buffer[i]}, expected {expected}");
        }
    }
}
