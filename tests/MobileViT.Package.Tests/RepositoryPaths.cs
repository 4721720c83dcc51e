namespace MobileViT.Package.Tests;

/// <summary>Files of the repository, found from the test's output folder.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Model(string fileName) => Path.Combine(Root, "models", fileName);

    public static string Doc(string fileName) => Path.Combine(Root, "docs", fileName);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "MobileViT.Compiler.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("MobileViT.Compiler.sln not found above " + AppContext.BaseDirectory);
    }

    public static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, values.Length * 4);
        return values;
    }
}
