namespace System.Runtime.CompilerServices
{
    // netstandard2.0 lacks this marker type; records and init-only properties need it.
    internal static class IsExternalInit
    {
    }
}
