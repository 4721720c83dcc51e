using Xunit;
using Xunit.Abstractions;

namespace MobileViT.Package.Tests.Packaging;

/// <summary>
/// Models that try to read files they should not, or are broken, built in a fresh app that references the package:
/// each must end in an MVC error on the model, never a generator crash (AD0001, CS8785, MVC0001) or a hang, and no
/// file outside a model's folder may reach the assembly. Layout of the app folder:
///   secret.bin                  bytes that would satisfy the weights, outside the models' folder
///   models/*.onnx               the hostile models; models/link.bin is a symbolic link to ../secret.bin
/// </summary>
[Collection(PackagedAppCollection.Name)]
public sealed class HostileModelTests(PackagedApp app, ITestOutputHelper output)
{
    [Fact]
    public void EveryHostileOrBrokenModelIsAnMvcErrorAndNothingOutsideIsEmbedded()
    {
        string folder = Path.Combine(Path.GetTempPath(), "mobilevit-hostile-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        Directory.CreateDirectory(Path.Combine(folder, "models"));
        try
        {
            var model = File.ReadAllBytes(RepositoryPaths.Model(PackagedApp.ModelFile));
            string secret = Path.Combine(folder, "secret.bin");
            var cases = new (string File, string Location)[]
            {
                ("traversal.onnx", "../secret.bin"),
                ("absolute.onnx", secret),
                ("link.onnx", "link.bin"),
                ("missing.onnx", "weights/missing.bin"),
            };
            foreach (var (file, location) in cases)
            {
                var hostile = MobileViT.Tooling.ModelRewriter.ToExternalData(model, location, 1024, out var data);
                File.WriteAllBytes(Path.Combine(folder, "models", file), hostile);
                File.WriteAllBytes(secret, data[location]);
            }
            File.CreateSymbolicLink(Path.Combine(folder, "models", "link.bin"), Path.Combine("..", "secret.bin"));
            File.WriteAllBytes(Path.Combine(folder, "models", "truncated.onnx"), model.Take(model.Length / 3).ToArray());
            File.WriteAllBytes(Path.Combine(folder, "models", "garbage.onnx"), Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 >> 3)).ToArray());

            var names = new[] { "traversal", "absolute", "link", "missing", "truncated", "garbage" };
            app.WriteProject(folder, "HostileConsumer", string.Join(Environment.NewLine,
                names.Select(n => $"    <AdditionalFiles Include=\"models/{n}.onnx\" />")));
            File.WriteAllText(Path.Combine(folder, "Program.cs"), "System.Console.WriteLine(\"built\");\n");

            var build = ProcessRunner.Dotnet(folder, TimeSpan.FromMinutes(5), "build", "-c", "Release", "-v:d");
            output.WriteLine($"build: exit {build.ExitCode} after {build.Elapsed.TotalSeconds:F0} s");
            foreach (var line in ErrorLines(build.Output)) output.WriteLine(line);

            Assert.NotEqual(0, build.ExitCode);
            var errors = ErrorLines(build.Output);
            Assert.Contains(errors, e => e.Contains("MVC0016") && e.Contains("traversal.onnx") && e.Contains("../secret.bin"));
            Assert.Contains(errors, e => e.Contains("MVC0016") && e.Contains("absolute.onnx") && e.Contains("absolute path"));
            Assert.Contains(errors, e => e.Contains("MVC0016") && e.Contains("link.onnx") && e.Contains("symbolic link"));
            Assert.Contains(errors, e => e.Contains("MVC0006") && e.Contains("missing.onnx") && e.Contains("weights/missing.bin"));
            Assert.Contains(errors, e => e.Contains("MVC0002") && e.Contains("truncated.onnx"));
            Assert.Contains(errors, e => e.Contains("MVC0002") && e.Contains("garbage.onnx"));
            foreach (var crash in new[] { "AD0001", "CS8785", "CS8784", "MVC0001" })
                Assert.DoesNotContain(crash, build.Output);
            // What the build would embed, asked of MSBuild after the embedding targets ran: the models, and no file
            // outside their folder (secret.bin is reachable through three of the models).
            var embedded = ProcessRunner.Dotnet(folder, TimeSpan.FromMinutes(5), "msbuild", "HostileConsumer.csproj", "-p:Configuration=Release",
                "-t:MobileViTEmbedModels;MobileViTEmbedExternalData", "-getItem:EmbeddedResource");
            output.WriteLine(embedded.Output);
            Assert.True(embedded.ExitCode == 0, embedded.Describe());
            Assert.Contains("traversal.onnx", embedded.Output);
            Assert.DoesNotContain("secret.bin", embedded.Output);
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static List<string> ErrorLines(string buildOutput) =>
        buildOutput.Split('\n').Select(l => l.Trim()).Where(l => l.Contains(": error ")).Distinct().ToList();
}
