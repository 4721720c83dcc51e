using System.Globalization;

namespace MobileViT.Cli;

/// <summary>An option a command accepts; every option takes a value ("--runs 20" or "--runs=20").</summary>
internal sealed record OptionSpec(string Name, string? ShortName, string ValueName, string Help, bool Repeatable = false);

/// <summary>Wrong arguments: printed with a pointer to --help, exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>One command's arguments: the model file (the one positional argument) and option values.</summary>
internal sealed class CommandLine
{
    private readonly Dictionary<string, List<string>> _values;

    private CommandLine(string modelPath, Dictionary<string, List<string>> values)
    {
        ModelPath = modelPath;
        _values = values;
    }

    public string ModelPath { get; }

    public static CommandLine Parse(string[] args, IReadOnlyList<OptionSpec> options)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var positionals = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string argument = args[i];
            if (!argument.StartsWith('-') || argument == "-")
            {
                positionals.Add(argument);
                continue;
            }
            string name = argument;
            string? value = null;
            int equals = argument.IndexOf('=');
            if (argument.StartsWith("--", StringComparison.Ordinal) && equals > 0)
            {
                name = argument.Substring(0, equals);
                value = argument.Substring(equals + 1);
            }
            var option = options.FirstOrDefault(o => o.Name == name || o.ShortName == name)
                         ?? throw new UsageException($"unknown option '{name}'");
            if (value == null)
            {
                if (i + 1 >= args.Length) throw new UsageException($"option {option.Name} needs a value ({option.ValueName})");
                value = args[++i];
            }
            if (!values.TryGetValue(option.Name, out var list)) values[option.Name] = list = new List<string>();
            if (list.Count > 0 && !option.Repeatable) throw new UsageException($"option {option.Name} is given more than once");
            list.Add(value);
        }
        if (positionals.Count == 0) throw new UsageException("no model file given");
        if (positionals.Count > 1) throw new UsageException($"expected one model file, got {positionals.Count} arguments: {string.Join(" ", positionals)}");
        return new CommandLine(positionals[0], values);
    }

    public string? Value(string name) => _values.TryGetValue(name, out var list) ? list[0] : null;

    public IReadOnlyList<string> Values(string name) => _values.TryGetValue(name, out var list) ? list : Array.Empty<string>();

    public string Required(string name) => Value(name) ?? throw new UsageException($"option {name} is required");

    public int Integer(string name, int fallback, int minimum)
    {
        var text = Value(name);
        if (text == null) return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
            throw new UsageException($"option {name} must be an integer of at least {minimum}, got '{text}'");
        return value;
    }

    /// <summary>An on|off option.</summary>
    public bool Switch(string name, bool fallback) => Value(name) switch
    {
        null => fallback,
        "on" => true,
        "off" => false,
        var text => throw new UsageException($"option {name} must be on or off, got '{text}'"),
    };

    public double Number(string name, double fallback)
    {
        var text = Value(name);
        if (text == null) return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value >= 0))
            throw new UsageException($"option {name} must be a non-negative number, got '{text}'");
        return value;
    }
}
