using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace MobileViT.Package.Tests.Packaging;

/// <summary>What a child process printed (stdout and stderr interleaved) and how it ended.</summary>
public sealed record ProcessResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>MSBuild-format warnings ("Program.cs(3,1): warning IL2026: ..."), each once (MSBuild repeats them in its summary).</summary>
    public IReadOnlyList<string> Warnings =>
        Output.Split('\n').Select(line => line.Trim()).Where(line => WarningPattern.IsMatch(line)).Distinct().ToList();

    private static readonly Regex WarningPattern = new(@"\bwarning\s+[A-Z]+[0-9]+\b", RegexOptions.CultureInvariant);

    public string Describe(int lastCharacters = 6000) =>
        $"{CommandLine} exited with {ExitCode} after {Elapsed.TotalSeconds:F0} s. Output (end):{Environment.NewLine}" +
        (Output.Length > lastCharacters ? "..." + Output.Substring(Output.Length - lastCharacters) : Output);
}

/// <summary>
/// Runs dotnet and the apps it builds as a user's shell would: MSBuild variables the test host inherited from
/// `dotnet test` are removed, build servers are off (so no server outlives the test holding its output pipe), and
/// the CLI speaks English so its output can be parsed.
/// </summary>
internal static class ProcessRunner
{
    public static ProcessResult Dotnet(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        Run("dotnet", workingDirectory, timeout, null, arguments);

    public static ProcessResult Run(string fileName, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var key in start.Environment.Keys.ToList())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) || key == "DOTNET_HOST_PATH")
                start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["MSBUILDTERMINALLOGGER"] = "off";
        start.Environment["UseSharedCompilation"] = "false";
        if (environment != null)
            foreach (var (key, value) in environment) start.Environment[key] = value;

        var output = new StringBuilder();
        var watch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        string commandLine = fileName + " " + string.Join(" ", arguments);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{commandLine} did not finish within {timeout.TotalMinutes:F0} minutes. Output so far:{Environment.NewLine}{output}");
        }
        process.WaitForExit(); // drains the output readers
        lock (output) return new ProcessResult(commandLine, process.ExitCode, output.ToString(), watch.Elapsed);
    }

    /// <summary>True when <paramref name="program"/> is an executable file in a PATH folder.</summary>
    public static bool IsOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(folder => File.Exists(Path.Combine(folder, program)));
}
