namespace MobileViT.Conformance.Tests;

/// <summary>Files of the repository and of the shared folder beside it, found from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The ONNX backend test data: shared/onnx-node-tests beside the repository; absent on a bare clone.</summary>
    public static string NodeTests => Path.GetFullPath(Path.Combine(Root, "..", "shared", "onnx-node-tests"));

    public static string Exclusions => Path.Combine(Root, "tests", "Conformance", "exclusions.txt");

    public static string OperatorsDoc => Path.Combine(Root, "docs", "operators.md");

    public static string Model(string fileName) => Path.Combine(Root, "models", fileName);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "MobileViT.Compiler.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("MobileViT.Compiler.sln not found above " + AppContext.BaseDirectory);
    }
}
