using System.Runtime.CompilerServices;

// Kernels stackalloc scratch panels and fill every element they read, so zero-initialising them is wasted work.
[module: SkipLocalsInit]

// The tester runs every instruction-set variant of every kernel against the scalar reference.
[assembly: InternalsVisibleTo("MobileViT.Runtime.Tests")]
