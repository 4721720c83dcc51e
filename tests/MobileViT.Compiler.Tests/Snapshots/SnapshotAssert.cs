using System;
using System.IO;
using System.Runtime.CompilerServices;
using Xunit;

namespace MobileViT.Compiler.Tests.Snapshots
{
    /// <summary>
    /// Compares generated text with a committed baseline, Snapshots/Baselines/&lt;name&gt;.verified.cs.
    /// A missing baseline is written (and the test fails, so it gets reviewed) except under CI=true, where it only fails.
    /// MVC_UPDATE_SNAPSHOTS=1 rewrites every baseline a test touches. Line endings are normalized to "\n".
    /// </summary>
    public static class SnapshotAssert
    {
        public const string UpdateVariable = "MVC_UPDATE_SNAPSHOTS";

        public static void Matches(string actual, string name) =>
            Matches(actual, name, BaselineDirectory(), SnapshotSettings.FromEnvironment());

        internal static void Matches(string actual, string name, string baselineDirectory, SnapshotSettings settings)
        {
            string path = Path.Combine(baselineDirectory, name + ".verified.cs");
            string normalizedActual = NormalizeLineEndings(actual);

            if (settings.Update && !settings.IsCi)
            {
                Write(path, normalizedActual);
                return;
            }

            if (!File.Exists(path))
            {
                if (settings.IsCi)
                    Assert.Fail($"Snapshot baseline '{path}' is missing. Create it locally (run the tests without CI=true) and commit it.");
                Write(path, normalizedActual);
                Assert.Fail($"Snapshot baseline '{path}' did not exist and was created. Review it, commit it and run the test again.");
            }

            string expected = NormalizeLineEndings(File.ReadAllText(path));
            if (expected != normalizedActual)
                Assert.Fail($"Snapshot '{name}' differs from {path}:{Environment.NewLine}{FirstDifference(expected, normalizedActual)}{Environment.NewLine}" +
                            $"If the new text is right, run the tests with {UpdateVariable}=1 and commit the baseline.");
        }

        internal static string NormalizeLineEndings(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

        /// <summary>The first line where the two texts differ, both versions shown.</summary>
        internal static string FirstDifference(string expected, string actual)
        {
            string[] expectedLines = expected.Split('\n');
            string[] actualLines = actual.Split('\n');
            int common = Math.Min(expectedLines.Length, actualLines.Length);
            for (int i = 0; i < common; i++)
            {
                if (expectedLines[i] != actualLines[i])
                    return $"line {i + 1}:{Environment.NewLine}  expected: {expectedLines[i]}{Environment.NewLine}  actual:   {actualLines[i]}";
            }
            return expectedLines.Length > actualLines.Length
                ? $"line {common + 1}: expected more lines, starting with: {expectedLines[common]}"
                : $"line {common + 1}: unexpected extra lines, starting with: {actualLines[common]}";
        }

        /// <summary>
        /// The Baselines folder next to this source file. [CallerFilePath] gives the path at build time; if the
        /// build mapped source paths (deterministic CI builds), look for the folder above the test output instead.
        /// </summary>
        internal static string BaselineDirectory([CallerFilePath] string thisFile = "")
        {
            string sourceDirectory = Path.GetDirectoryName(thisFile) ?? "";
            if (File.Exists(thisFile) && Directory.Exists(sourceDirectory))
                return Path.Combine(sourceDirectory, "Baselines");

            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                string candidate = Path.Combine(directory.FullName, "tests", "MobileViT.Compiler.Tests", "Snapshots", "Baselines");
                if (Directory.Exists(candidate))
                    return candidate;
                candidate = Path.Combine(directory.FullName, "Snapshots", "Baselines");
                if (Directory.Exists(candidate) && File.Exists(Path.Combine(directory.FullName, "MobileViT.Compiler.Tests.csproj")))
                    return candidate;
            }
            throw new DirectoryNotFoundException($"Cannot find Snapshots/Baselines from '{thisFile}' or '{AppContext.BaseDirectory}'.");
        }

        private static void Write(string path, string text)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, text);
        }
    }

    /// <summary>The two environment switches of <see cref="SnapshotAssert"/>, separated out so its own tests can set them.</summary>
    internal readonly record struct SnapshotSettings(bool IsCi, bool Update)
    {
        public static SnapshotSettings FromEnvironment() => new(
            string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
            Environment.GetEnvironmentVariable(SnapshotAssert.UpdateVariable) == "1");
    }
}
