using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Tests.Compiler;
using MobileViT.Compiler.Tests.TestModels;
using MobileViT.Tooling;
using Xunit;
using Attr = MobileViT.Compiler.Tests.TestModels.OnnxBuilder.Attribute;

namespace MobileViT.Compiler.Tests.Robustness
{
    /// <summary>
    /// Initializers stored outside the model (save_as_external_data=True): read from files in the model's folder or
    /// below it, and from nowhere else. Each test works in its own temporary folder:
    ///   root/secret.bin        valid weight bytes outside the model's folder, which must never be read
    ///   root/model/            the model's folder
    /// </summary>
    public sealed class ExternalDataTests : IDisposable
    {
        private const int Channels = 16;
        private readonly string _root;
        private readonly string _modelFolder;
        private readonly byte[] _inlineModel;
        private readonly float[] _weights;

        public ExternalDataTests()
        {
            _root = Path.Combine(Path.GetTempPath(), "mobilevit-external-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            _modelFolder = Path.Combine(_root, "model");
            Directory.CreateDirectory(_modelFolder);
            var random = new Random(17);
            _weights = Enumerable.Range(0, Channels * 8 * 9).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
            _inlineModel = ConvModel(b => b.Initializer("w", new long[] { Channels, 8, 3, 3 }, _weights));
            File.WriteAllBytes(Path.Combine(_root, "secret.bin"), WeightBytes());
        }

        public void Dispose()
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        [Fact]
        public void OneDataFile_GivesBitwiseTheSameOutputAsInlineWeights()
        {
            var external = ModelRewriter.ToExternalData(_inlineModel, "model.onnx.data", 1024, out var data, alignment: 4096);
            var files = Save(external, data);
            Assert.Single(files); // the 4.6 KB weight moved; the 64-byte bias stayed inside

            var (expected, actual, result) = RunBoth(external);
            Assert.Equal(expected, actual);
            var file = Assert.Single(result.ExternalDataFiles);
            Assert.Equal("model.onnx.data", file.Location);
            Assert.Equal("MobileViT.Models.model.onnx/model.onnx.data", file.ResourceName);
            Assert.Contains("data0.ViewFloat32(", result.Source); // a convolution weight: viewed in place, copied once into its packed layout
        }

        [Fact]
        public void OneFilePerTensorInASubfolder_GivesBitwiseTheSameOutput()
        {
            var external = ModelRewriter.ToExternalData(_inlineModel, "", 1, out var data, name => "weights/./" + name + ".bin");
            Assert.Equal(2, Save(external, data).Count);

            var (expected, actual, result) = RunBoth(external);
            Assert.Equal(expected, actual);
            // Normalized, so the build's resource names do not depend on how the exporter spelled the path.
            Assert.Contains(result.ExternalDataFiles, f => f.Location == "weights/w.bin");
        }

        public static IEnumerable<object[]> EscapingLocations() => new[]
        {
            new object[] { "../secret.bin" },
            new object[] { "..\\secret.bin" },
            new object[] { "sub/../../secret.bin" },
            new object[] { "./../secret.bin" },
            new object[] { "/etc/passwd" },
            new object[] { "\\\\server\\share\\secret.bin" },
            new object[] { "C:/secret.bin" },
            new object[] { "C:secret.bin" },
            new object[] { "file:///etc/passwd" },
            new object[] { "weights.bin:hidden" },
            new object[] { "~/secret.bin" },
            new object[] { "..." },
            new object[] { "weights.bin\0.txt" },
        };

        [Theory]
        [MemberData(nameof(EscapingLocations))]
        public void MVC0016_ALocationLeavingTheModelFolderIsRefusedNamingTheTensor(string location)
        {
            var model = ExternalModel(location);
            var error = CompilerTestHelpers.SingleError(model, "MVC0016", Options());
            Assert.Contains("'w'", error.Message);
            Assert.Contains("model.onnx", error.Message);
        }

        [Fact]
        public void MVC0016_AnAbsolutePathToAValidFileIsNotRead()
        {
            // secret.bin holds exactly the bytes the tensor needs: compiling would succeed if it were read.
            var error = CompilerTestHelpers.SingleError(ExternalModel(Path.Combine(_root, "secret.bin")), "MVC0016", Options());
            Assert.Contains("absolute", error.Message);
        }

        [Fact]
        public void MVC0016_ASymbolicLinkToAFileOutsideIsNotFollowed()
        {
            File.CreateSymbolicLink(Path.Combine(_modelFolder, "link.bin"), Path.Combine(_root, "secret.bin"));
            var error = CompilerTestHelpers.SingleError(ExternalModel("link.bin"), "MVC0016", Options());
            Assert.Contains("symbolic link", error.Message);
        }

        [Fact]
        public void MVC0016_ASymbolicLinkToAFolderOutsideIsNotFollowed()
        {
            Directory.CreateSymbolicLink(Path.Combine(_modelFolder, "escape"), _root);
            var error = CompilerTestHelpers.SingleError(ExternalModel("escape/secret.bin"), "MVC0016", Options());
            Assert.Contains("'escape'", error.Message);
        }

        [Fact]
        public void MVC0006_AMissingDataFileSaysWhereItShouldBe()
        {
            var error = CompilerTestHelpers.SingleError(ExternalModel("weights.bin"), "MVC0006", Options());
            Assert.Contains("'w'", error.Message);
            Assert.Contains("weights.bin", error.Message);
        }

        [Fact]
        public void MVC0006_ADataFileShorterThanTheTensorNeeds()
        {
            File.WriteAllBytes(Path.Combine(_modelFolder, "weights.bin"), WeightBytes().Take(100).ToArray());
            var error = CompilerTestHelpers.SingleError(ExternalModel("weights.bin"), "MVC0006", Options());
            Assert.Contains("100 bytes", error.Message);
        }

        [Fact]
        public void MVC0006_AnOffsetBeyondTheEndOfTheFile()
        {
            File.WriteAllBytes(Path.Combine(_modelFolder, "weights.bin"), WeightBytes());
            var error = CompilerTestHelpers.SingleError(ExternalModel("weights.bin", offset: "4096"), "MVC0006", Options());
            Assert.Contains("'w'", error.Message);
        }

        [Theory]
        [InlineData("-4")]
        [InlineData("12abc")]
        [InlineData("99999999999999999999999")]
        public void MVC0002_AnOffsetThatIsNotANumber(string offset)
        {
            File.WriteAllBytes(Path.Combine(_modelFolder, "weights.bin"), WeightBytes());
            var error = CompilerTestHelpers.SingleError(ExternalModel("weights.bin", offset: offset), "MVC0002", Options());
            Assert.Contains(offset, error.Message);
        }

        [Fact]
        public void MVC0002_ALengthThatDisagreesWithTheShape()
        {
            File.WriteAllBytes(Path.Combine(_modelFolder, "weights.bin"), WeightBytes());
            var error = CompilerTestHelpers.SingleError(ExternalModel("weights.bin", length: "400"), "MVC0002", Options());
            Assert.Contains("400 bytes", error.Message);
        }

        [Fact]
        public void MVC0006_WithoutTheModelFolderNothingIsRead()
        {
            File.WriteAllBytes(Path.Combine(_modelFolder, "weights.bin"), WeightBytes());
            var options = Options();
            options.ModelDirectory = null;
            CompilerTestHelpers.SingleError(ExternalModel("weights.bin"), "MVC0006", options);
        }

        [Fact]
        public void MVC0006_AFileTheBuildDidNotEmbedFailsTheBuildNotTheApp()
        {
            File.WriteAllBytes(Path.Combine(_modelFolder, "weights.bin"), WeightBytes());
            var options = Options();
            options.EmbeddedExternalData = new[] { "other.bin" };
            var error = CompilerTestHelpers.SingleError(ExternalModel("weights.bin"), "MVC0006", options);
            Assert.Contains("did not embed", error.Message);
        }

        [Fact]
        public async Task AFolderOrAPipeIsRefusedWithoutBlocking()
        {
            Directory.CreateDirectory(Path.Combine(_modelFolder, "folder.bin"));
            CompilerTestHelpers.SingleError(ExternalModel("folder.bin"), "MVC0016", Options());

            if (!File.Exists("/usr/bin/mkfifo")) return; // Windows: no named pipes in the file system
            string fifo = Path.Combine(_modelFolder, "pipe.bin");
            using (var mkfifo = Process.Start("/usr/bin/mkfifo", fifo)) mkfifo.WaitForExit();
            var compile = Task.Run(() => ModelCompiler.Compile(ExternalModel("pipe.bin"), Options()));
            var finished = await Task.WhenAny(compile, Task.Delay(TimeSpan.FromSeconds(30)));
            Assert.True(finished == compile, "reading a named pipe blocked the compiler");
            var result = await compile;
            Assert.Contains(result.Diagnostics, d => d.Id == "MVC0006" || d.Id == "MVC0016");
            Assert.Null(result.Source);
        }

        private CompileOptions Options()
        {
            var options = CompilerTestHelpers.Options("model.onnx");
            options.ModelDirectory = _modelFolder;
            return options;
        }

        private (float[] Expected, float[] Actual, CompileResult Result) RunBoth(byte[] externalModel)
        {
            var input = Enumerable.Range(0, 8 * 10 * 10).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
            float[] Run(byte[] model, CompileOptions? options)
            {
                var compiled = InProcessModel.Compile(model, options);
                Assert.True(compiled.Model != null, string.Join("; ", compiled.Diagnostics));
                using var loaded = compiled.Model!;
                return loaded.Run(new[] { input })[0];
            }
            var options = new CompileOptions
            {
                ModelFileName = "model.onnx", ModelDirectory = _modelFolder, ResourceName = InProcessModel.DefaultResourceName,
                ClassName = InProcessModel.DefaultClassName, Namespace = InProcessModel.DefaultNamespace,
            };
            var result = ModelCompiler.Compile(externalModel, options);
            Assert.False(result.HasErrors, string.Join("; ", result.Diagnostics));
            return (Run(_inlineModel, null), Run(externalModel, options), result);
        }

        private List<string> Save(byte[] model, Dictionary<string, byte[]> data)
        {
            File.WriteAllBytes(Path.Combine(_modelFolder, "model.onnx"), model);
            foreach (var (location, bytes) in data)
            {
                string path = Path.Combine(_modelFolder, location);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, bytes);
            }
            return data.Keys.ToList();
        }

        private byte[] WeightBytes()
        {
            var bytes = new byte[_weights.Length * 4];
            Buffer.BlockCopy(_weights, 0, bytes, 0, bytes.Length);
            return bytes;
        }

        private static byte[] ExternalModel(string location, string? offset = null, string? length = null) =>
            ConvModel(b => b.ExternalInitializer("w", new long[] { Channels, 8, 3, 3 }, location, offset, length));

        private static byte[] ConvModel(Func<OnnxBuilder, OnnxBuilder> weights)
        {
            var bias = Enumerable.Range(0, Channels).Select(i => 0.01f * i - 0.05f).ToArray();
            return weights(new OnnxBuilder().Input("x", 1, 8, 10, 10))
                .Initializer("b", new long[] { Channels }, bias)
                .Node("Conv", new[] { "x", "w", "b" }, new[] { "c" }, "conv", "", Attr.Ints("pads", 1, 1, 1, 1))
                .Node("Relu", new[] { "c" }, new[] { "y" }, "relu")
                .Output("y").Build();
        }
    }
}
