using Xunit;

namespace MobileViT.Conformance.Tests;

public sealed class OutputComparisonTests
{
    [Fact]
    public void EqualTensorsAgree() => Assert.Null(OutputComparison.Compare(new[] { 1f, -2f, 0f }, new[] { 1f, -2f, 0f }));

    [Fact]
    public void RoundingNoiseIsAccepted() => Assert.Null(OutputComparison.Compare(new[] { 1.0000001f, 100.00001f }, new[] { 1f, 100f }));

    [Fact]
    public void OneWrongElementInALargeTensorIsCaught()
    {
        var expected = Enumerable.Range(0, 100_000).Select(i => (float)Math.Sin(i)).ToArray();
        var actual = (float[])expected.Clone();
        actual[123] += 0.01f; // far below the tensor's relative L2 budget, far above one element's
        Assert.NotNull(OutputComparison.Compare(actual, expected));
    }

    [Fact]
    public void NaNPositionsMustMatch()
    {
        Assert.Null(OutputComparison.Compare(new[] { float.NaN, 1f }, new[] { float.NaN, 1f }));
        Assert.NotNull(OutputComparison.Compare(new[] { 0f, 1f }, new[] { float.NaN, 1f }));
        Assert.NotNull(OutputComparison.Compare(new[] { float.NaN, 1f }, new[] { 0f, 1f }));
    }

    [Fact]
    public void InfinitiesMustMatchInSign()
    {
        Assert.Null(OutputComparison.Compare(new[] { float.PositiveInfinity }, new[] { float.PositiveInfinity }));
        Assert.NotNull(OutputComparison.Compare(new[] { float.NegativeInfinity }, new[] { float.PositiveInfinity }));
    }

    [Fact]
    public void LengthsMustMatch() => Assert.NotNull(OutputComparison.Compare(new[] { 1f }, new[] { 1f, 2f }));
}
