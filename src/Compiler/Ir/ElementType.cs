namespace MobileViT.Compiler.Ir
{
    /// <summary>
    /// How the compiler stores a tensor's elements. Every run-time tensor is Float32; integer and bool tensors exist only
    /// as compile-time constants (shape arithmetic, indices), stored as long.
    /// </summary>
    public enum ElementType { Float32, Int64, Bool }
}
