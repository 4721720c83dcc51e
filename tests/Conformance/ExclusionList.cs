using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace MobileViT.Conformance;

/// <summary>
/// Cases the sweep does not count, each with the reason: one <c>test_name  # reason</c> per line; blank lines and
/// lines starting with '#' are comments. An entry without a reason is an error, so every exclusion explains itself.
/// </summary>
public sealed class ExclusionList
{
    private readonly Dictionary<string, string> _reasons;

    private ExclusionList(Dictionary<string, string> reasons) => _reasons = reasons;

    public static ExclusionList Empty { get; } = new(new Dictionary<string, string>(StringComparer.Ordinal));

    public IReadOnlyCollection<string> Names => _reasons.Keys;

    public bool TryGetReason(string caseName, out string reason) => _reasons.TryGetValue(caseName, out reason!);

    public static ExclusionList Load(string path) => Parse(File.ReadAllLines(path), path);

    /// <exception cref="FormatException">A line has no reason, or a case is listed twice.</exception>
    public static ExclusionList Parse(IEnumerable<string> lines, string source)
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (var raw in lines)
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int hash = line.IndexOf('#');
            var name = (hash < 0 ? line : line.Substring(0, hash)).Trim();
            var reason = hash < 0 ? "" : line.Substring(hash + 1).Trim();
            if (reason.Length == 0)
                throw new FormatException(string.Format(CultureInfo.InvariantCulture, "{0}({1}): '{2}' has no reason; write 'test_name  # why it is excluded'.", source, lineNumber, name));
            if (!reasons.TryAdd(name, reason))
                throw new FormatException(string.Format(CultureInfo.InvariantCulture, "{0}({1}): '{2}' is listed twice.", source, lineNumber, name));
        }
        return new ExclusionList(reasons);
    }
}
