using System;
using System.Collections.Generic;
using System.Linq;

namespace MobileViT.Compiler.Tests.Robustness
{
    /// <summary>
    /// Byte-level mutations of a valid model: truncation, bit flips, deleted, duplicated and inserted byte runs, and
    /// varint fields rewritten to 0, negative and huge values (which in protobuf hits dimensions, attribute values,
    /// data types and opset versions alike).
    /// </summary>
    internal static class ModelMutator
    {
        public static (byte[] Bytes, string Description) Mutate(byte[] model, Random random)
        {
            var bytes = model.ToList();
            int kind = random.Next(7);
            switch (kind)
            {
                case 0:
                {
                    int length = random.Next(bytes.Count);
                    return (bytes.Take(length).ToArray(), $"truncate to {length}");
                }
                case 1:
                {
                    int flips = 1 + random.Next(8);
                    for (int i = 0; i < flips; i++)
                    {
                        int at = random.Next(bytes.Count);
                        bytes[at] ^= (byte)(1 << random.Next(8));
                    }
                    return (bytes.ToArray(), $"{flips} bit flips");
                }
                case 2:
                {
                    int at = random.Next(bytes.Count), length = Math.Min(1 + random.Next(64), bytes.Count - at);
                    bytes.RemoveRange(at, length);
                    return (bytes.ToArray(), $"delete {length} bytes at {at}");
                }
                case 3:
                {
                    int at = random.Next(bytes.Count), length = Math.Min(1 + random.Next(256), bytes.Count - at);
                    var run = bytes.GetRange(at, length);
                    bytes.InsertRange(at, run);
                    return (bytes.ToArray(), $"duplicate {length} bytes at {at}");
                }
                case 4:
                {
                    int at = random.Next(bytes.Count);
                    var junk = new byte[1 + random.Next(16)];
                    random.NextBytes(junk);
                    bytes.InsertRange(at, junk);
                    return (bytes.ToArray(), $"insert {junk.Length} random bytes at {at}");
                }
                default:
                {
                    // Rewrite one varint (a byte run ending in a byte < 0x80) to a chosen extreme value.
                    int at = random.Next(bytes.Count);
                    int end = at;
                    while (end < bytes.Count && bytes[end] >= 0x80) end++;
                    if (end >= bytes.Count) return (bytes.ToArray(), "no varint found");
                    int start = end;
                    while (start > 0 && bytes[start - 1] >= 0x80) start--;
                    long[] extremes = { 0, 1, -1, -2, int.MaxValue, (long)int.MaxValue + 1, long.MaxValue, 1L << 40, 3, 65536 };
                    long value = extremes[random.Next(extremes.Length)];
                    bytes.RemoveRange(start, end - start + 1);
                    bytes.InsertRange(start, Varint(value));
                    return (bytes.ToArray(), $"varint at {start} := {value}");
                }
            }
        }

        private static IEnumerable<byte> Varint(long value)
        {
            ulong v = (ulong)value;
            do
            {
                byte b = (byte)(v & 0x7F);
                v >>= 7;
                yield return v != 0 ? (byte)(b | 0x80) : b;
            } while (v != 0);
        }
    }
}
