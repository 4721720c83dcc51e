namespace MobileViT.Runtime.Tests;

/// <summary>The comparison itself must be able to fail.</summary>
public class ComparisonTests
{
    [Fact]
    public void RelativeL2_DetectsNaNInfinityAndDifferences()
    {
        float[] expected = { 1f, 2f, 3f };
        Assert.Equal(0, TestData.RelativeL2(expected, expected));
        Assert.Equal(double.PositiveInfinity, TestData.RelativeL2(new[] { 1f, float.NaN, 3f }, expected));
        Assert.Equal(double.PositiveInfinity, TestData.RelativeL2(new[] { 1f, float.PositiveInfinity, 3f }, expected));
        Assert.True(TestData.RelativeL2(new[] { 1f, 2f, 3.01f }, expected) > 1e-5);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => TestData.AssertClose(new[] { 1f, 2f, 4f }, expected));
    }
}
