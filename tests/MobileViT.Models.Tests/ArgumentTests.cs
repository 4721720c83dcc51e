using Xunit;

namespace MobileViT.Models.Tests;

/// <summary>Wrong span lengths throw ArgumentException naming the parameter and the expected length.</summary>
public sealed class ArgumentTests
{
    [Fact]
    public void ShortInputThrowsWithExpectedLength()
    {
        var output = new float[MobileViTXXSOpset13.OutputLength];
        var error = Assert.Throws<ArgumentException>(() => MobileViTXXSOpset13.Run(new float[10], output));
        Assert.Equal("input", error.ParamName);
        Assert.Contains(MobileViTXXSOpset13.InputLength.ToString(), error.Message);
    }

    [Fact]
    public void LongOutputThrowsWithExpectedLength()
    {
        var input = new float[MobileViTXXSOpset13.InputLength];
        var error = Assert.Throws<ArgumentException>(() => MobileViTXXSOpset13.Run(input, new float[1001]));
        Assert.Equal("output", error.ParamName);
        Assert.Contains("1000", error.Message);
    }

    [Fact]
    public void SmallScratchThrowsWithExpectedLength()
    {
        var input = new float[MobileViTXXSOpset13.InputLength];
        var output = new float[MobileViTXXSOpset13.OutputLength];
        var error = Assert.Throws<ArgumentException>(() => MobileViTXXSOpset13.Run(input, output, new float[MobileViTXXSOpset13.ScratchLength - 1]));
        Assert.Equal("scratch", error.ParamName);
        Assert.Contains(MobileViTXXSOpset13.ScratchLength.ToString(), error.Message);
    }

    [Fact]
    public void ShapesDescribeTheModel()
    {
        Assert.Equal(new[] { 1, 3, 256, 256 }, MobileViTXXSOpset13.InputShape.ToArray());
        Assert.Equal(new[] { 1, 1000 }, MobileViTXXSOpset13.OutputShape.ToArray());
        Assert.Equal(new[] { 2, 3, 256, 256 }, MobileViTXXSBatch2.InputShape.ToArray());
        Assert.Equal(2 * 1000, MobileViTXXSBatch2.OutputLength);
    }
}
