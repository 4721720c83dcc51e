using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("MobileViT.Compiler.Tests")]
