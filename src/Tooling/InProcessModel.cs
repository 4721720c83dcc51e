using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using MobileViT.Compiler.Api;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Tooling;

/// <summary>
/// A model compiled entirely in this process: the model compiler writes C#, Roslyn compiles it with the .onnx bytes
/// embedded as the generated code expects, and the assembly is loaded into a collectible load context that
/// <see cref="Dispose"/> unloads. For tests and tools that need many models without a build per model.
/// </summary>
public sealed class InProcessModel : IDisposable
{
    public const string DefaultResourceName = "MobileViT.Models.model.onnx";
    public const string DefaultClassName = "Model";
    public const string DefaultNamespace = "InProcess";

    private readonly AssemblyLoadContext _loadContext;
    private Action<float[][], float[][]>? _run;
    private readonly Action<int> _setParallelism;
    private int _parallelism = 1;

    private InProcessModel(AssemblyLoadContext loadContext, Action<float[][], float[][]> run, Action<int> setParallelism,
        IReadOnlyList<TensorSignature> inputs, IReadOnlyList<TensorSignature> outputs, string source, StepClock? stepClock)
    {
        StepClock = stepClock;
        _loadContext = loadContext;
        _run = run;
        _setParallelism = setParallelism;
        Inputs = inputs;
        Outputs = outputs;
        Source = source;
    }

    public IReadOnlyList<TensorSignature> Inputs { get; }

    public IReadOnlyList<TensorSignature> Outputs { get; }

    /// <summary>The clock of a model compiled with timeSteps; null otherwise.</summary>
    public StepClock? StepClock { get; }

    /// <summary>The C# the model compiler generated.</summary>
    public string Source { get; }

    /// <summary>The generated class's Parallelism: threads per Run, 1 by default; the class throws outside 1 to 64.</summary>
    public int Parallelism
    {
        get => _parallelism;
        set
        {
            if (_run == null) throw new ObjectDisposedException(nameof(InProcessModel));
            _setParallelism(value);
            _parallelism = value;
        }
    }

    /// <summary>
    /// Compiles the model. The compiler's diagnostics are returned, not thrown; a model with an error diagnostic has no
    /// <see cref="InProcessCompilation.Model"/>.
    /// </summary>
    /// <exception cref="GeneratedCodeException">Roslyn rejected the generated code (a compiler bug).</exception>
    /// <param name="timeSteps">
    /// Compile for step timing: Run reports the end of every step to <see cref="StepClock"/> (for profiling tools; sets
    /// <paramref name="options"/>' StepProbe).
    /// </param>
    public static InProcessCompilation Compile(byte[] modelBytes, CompileOptions? options = null, bool timeSteps = false)
    {
        options ??= new CompileOptions { ResourceName = DefaultResourceName, ClassName = DefaultClassName, Namespace = DefaultNamespace };
        options.StepProbe = timeSteps ? HarnessWriter.StepProbeMethod(options.Namespace) : null;
        var result = ModelCompiler.Compile(modelBytes, options);
        if (result.HasErrors || result.Source == null)
            return new InProcessCompilation(result.Diagnostics, null);

        var graph = OnnxReader.Read(modelBytes).Graph;
        var initializers = new HashSet<string>(graph.Initializers.Select(t => t.Name), StringComparer.Ordinal);
        var inputNames = graph.Inputs.Where(i => !initializers.Contains(i.Name)).Select(i => i.Name).ToList();
        var outputNames = graph.Outputs.Select(o => o.Name).ToList();
        var harness = HarnessWriter.Write(options.Namespace, options.ClassName, inputNames, outputNames, timeSteps);

        var (image, errors) = RoslynHost.Compile(
            new[] { (options.ClassName + ".g.cs", result.Source), (HarnessWriter.ClassName + ".g.cs", harness) },
            new[] { (options.ResourceName, modelBytes) }.Concat(result.ExternalDataFiles.Select(f => (f.ResourceName, File.ReadAllBytes(f.FullPath)))).ToArray());
        if (image == null)
            throw GeneratedCodeError(options, result.Source, harness, errors.Select(e => e.ToString()).ToList());

        var loadContext = new AssemblyLoadContext("MobileViT.InProcess " + options.ModelFileName, isCollectible: true);
        try
        {
            var assembly = loadContext.LoadFromStream(new MemoryStream(image));
            var harnessName = (options.Namespace.Length > 0 ? options.Namespace + "." : "") + HarnessWriter.ClassName;
            var type = assembly.GetType(harnessName, throwOnError: true)!;
            var run = type.GetMethod("Run")!.CreateDelegate<Action<float[][], float[][]>>();
            var setParallelism = type.GetMethod("SetParallelism")!.CreateDelegate<Action<int>>();
            var inputs = Signatures(inputNames, Call<int[][]>(type, "InputShapes"), Call<int[]>(type, "InputLengths"));
            var outputs = Signatures(outputNames, Call<int[][]>(type, "OutputShapes"), Call<int[]>(type, "OutputLengths"));
            var stepClock = timeSteps
                ? new StepClock(StepClock.ReadSteps(result.Source, options.StepProbe!), type.GetMethod("StartSteps")!.CreateDelegate<Action>(),
                    type.GetMethod("TakeStepTicks")!.CreateDelegate<Action<long[]>>())
                : null;
            return new InProcessCompilation(result.Diagnostics, new InProcessModel(loadContext, run, setParallelism, inputs, outputs, result.Source, stepClock));
        }
        catch
        {
            loadContext.Unload();
            throw;
        }
    }

    /// <summary>Runs the model once; allocates the output arrays.</summary>
    public float[][] Run(float[][] inputs)
    {
        var outputs = Outputs.Select(o => new float[o.Length]).ToArray();
        Run(inputs, outputs);
        return outputs;
    }

    /// <summary>Runs the model once into <paramref name="outputs"/> (one array of each output's length); allocates nothing.</summary>
    public void Run(float[][] inputs, float[][] outputs)
    {
        var run = _run ?? throw new ObjectDisposedException(nameof(InProcessModel));
        if (inputs.Length != Inputs.Count)
            throw new ArgumentException($"The model has {Inputs.Count} inputs, got {inputs.Length}.", nameof(inputs));
        if (outputs.Length != Outputs.Count)
            throw new ArgumentException($"The model has {Outputs.Count} outputs, got {outputs.Length}.", nameof(outputs));
        run(inputs, outputs);
    }

    /// <summary>Unloads the generated assembly once nothing references it any more.</summary>
    public void Dispose()
    {
        if (_run == null) return;
        _run = null;
        _loadContext.Unload();
    }

    private static T Call<T>(Type type, string method) => type.GetMethod(method)!.CreateDelegate<Func<T>>()();

    private static IReadOnlyList<TensorSignature> Signatures(List<string> names, int[][] shapes, int[] lengths) =>
        names.Select((name, i) => new TensorSignature(name, shapes[i], lengths[i])).ToList();

    private static GeneratedCodeException GeneratedCodeError(CompileOptions options, string source, string harness, IReadOnlyList<string> errors)
    {
        var folder = Path.Combine(Path.GetTempPath(), "mobilevit-inprocess");
        Directory.CreateDirectory(folder);
        var text = source + Environment.NewLine + harness;
        // Named by content, so compiling the same model again overwrites its file instead of adding one.
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text))).Substring(0, 12);
        var path = Path.Combine(folder, SafeFileName(options.ModelFileName) + "." + hash.ToLowerInvariant() + ".g.cs");
        File.WriteAllText(path, text);
        var message = new StringBuilder();
        message.Append(FormattableString.Invariant($"Roslyn rejected the code generated for {options.ModelFileName} ({errors.Count} errors; this is a compiler bug). Source: {path}"));
        foreach (var error in errors.Take(5)) message.Append(Environment.NewLine).Append("  ").Append(error);
        return new GeneratedCodeException(message.ToString(), path);
    }

    private static string SafeFileName(string name) =>
        new string(name.Select(c => char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-' ? c : '_').ToArray());
}
