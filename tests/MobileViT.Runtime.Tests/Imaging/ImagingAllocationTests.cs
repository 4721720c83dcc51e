using System;

namespace MobileViT.Runtime.Tests.Imaging;

/// <summary>The imaging helpers allocate nothing after their first call, including the resize that rents large buffers.</summary>
public class ImagingAllocationTests
{
    /// <summary>
    /// Passes when one of three calls after the first two allocates nothing: a garbage collection triggered by other
    /// tests running alongside may trim the shared array pool, and the next rent then allocates once. An allocation
    /// on every call still fails.
    /// </summary>
    private static void AssertNoAllocation(string name, Action action)
    {
        action();
        action();
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0) return;
        }
        Assert.True(allocated == 0, $"{name} allocated {allocated} bytes in each of three calls");
    }

    [Fact]
    public void HelpersDoNotAllocate()
    {
        byte[] photo = ImagingReference.RandomBytes(640 * 480 * 3, 1);
        var resized = new byte[341 * 256 * 3];
        var cropped = new byte[224 * 224 * 3];
        var planar = new float[3 * 224 * 224];
        float[] mean = { 0.485f, 0.456f, 0.406f }, std = { 0.229f, 0.224f, 0.225f };
        AssertNoAllocation("ImageResize.Bilinear (stack)", () => ImageResize.Bilinear(photo.AsSpan(0, 28 * 28), 28, 28, 1, resized, 32, 32));
        AssertNoAllocation("ImageResize.Bilinear (photo)", () => ImageResize.Bilinear(photo, 640, 480, 3, resized, 341, 256));
        var wide = new byte[600 * 60 * 3];
        AssertNoAllocation("ImageResize.Bilinear (rented rows)", () => ImageResize.Bilinear(photo.AsSpan(0, 1200 * 200 * 3), 1200, 200, 3, wide, 600, 20));
        AssertNoAllocation("ImageResize.Bilinear (rented tables)", () => ImageResize.Bilinear(photo.AsSpan(0, 5000 * 3), 5000, 3, 1, wide, 97, 2));
        AssertNoAllocation("ImageCrop.Center", () => ImageCrop.Center(resized, 341, 256, 3, cropped, 224, 224));
        AssertNoAllocation("ImageNormalization.InterleavedToPlanar", () => ImageNormalization.InterleavedToPlanar(cropped, 224, 224, 3, mean, std, planar));
    }
}
