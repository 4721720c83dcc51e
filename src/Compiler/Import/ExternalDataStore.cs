using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using MobileViT.Compiler.Diagnostics;
using MobileViT.Compiler.Ir;
using MobileViT.Compiler.Onnx;

namespace MobileViT.Compiler.Import
{
    /// <summary>
    /// Reads initializer bytes stored outside the model (TensorProto.data_location = EXTERNAL) from files next to it,
    /// after <see cref="ExternalDataLocation"/> has accepted the location, and remembers every file it read: the
    /// generated code loads the same bytes from those files, embedded beside the model.
    /// </summary>
    public sealed class ExternalDataStore
    {
        private readonly string? _modelDirectory;
        private readonly string _fileName;
        private readonly HashSet<string>? _embedded;
        private readonly SortedDictionary<string, string> _files = new SortedDictionary<string, string>(StringComparer.Ordinal);

        /// <param name="modelDirectory">The model's folder; null when the model was given as bytes only, which refuses external data.</param>
        /// <param name="fileName">The model file name, for diagnostics.</param>
        /// <param name="embedded">The locations the build embeds, when known (<see cref="Api.CompileOptions.EmbeddedExternalData"/>).</param>
        public ExternalDataStore(string? modelDirectory, string fileName, IEnumerable<string>? embedded = null)
        {
            _modelDirectory = modelDirectory;
            _fileName = fileName;
            _embedded = embedded == null ? null : new HashSet<string>(embedded, StringComparer.Ordinal);
        }

        /// <summary>Normalized location → full path of every external file read so far, in ordinal order.</summary>
        public IReadOnlyDictionary<string, string> Files => _files;

        /// <summary>
        /// The bytes of <paramref name="tensor"/>, which must be exactly <paramref name="expectedLength"/> long, and where
        /// they sit: the normalized location and the byte offset in that file.
        /// </summary>
        public byte[] Read(OnnxTensor tensor, long expectedLength, out string location, out long offset)
        {
            if (_modelDirectory == null)
                throw Unavailable(tensor, "the model was compiled from bytes without its folder, so files beside it cannot be read", "Compile the model from its file path (the source generator and mvc do)");
            if (!ExternalDataLocation.TryResolve(_modelDirectory, tensor.ExternalLocation, out string fullPath, out location, out string reason, out bool missing))
            {
                if (missing)
                    throw Unavailable(tensor, "it " + reason, "Put the data file next to the model, as it was when the model was saved");
                throw new CompileError(DiagnosticCatalog.ExternalDataRefused.Create(_fileName, tensor.Name, tensor.ExternalLocation, reason));
            }

            if (_embedded != null && !_embedded.Contains(location))
                throw Unavailable(tensor, "the build did not embed that file, so the generated code could not load it",
                    "Import MobileViT.Compiler's build/MobileViT.Compiler.targets (the package does) and do not set MobileViTEmbedExternalData=false");

            offset = ParseNonNegative(tensor, "offset", tensor.ExternalOffset, 0);
            long length = ParseNonNegative(tensor, "length", tensor.ExternalLength, expectedLength);
            if (length != expectedLength)
                throw new CompileError(DiagnosticCatalog.MalformedModel.Create(_fileName,
                    $"tensor '{tensor.Name}': its external data is {length} bytes long but its shape and type need {expectedLength}"));

            var bytes = new byte[length];
            try
            {
                var info = new FileInfo(fullPath);
                // Checked before opening: a FIFO or device reports length 0 and would block or never end if read.
                if (offset > info.Length || length > info.Length - offset)
                    throw Unavailable(tensor, $"'{location}' has {info.Length} bytes but the tensor needs bytes {offset}..{offset + length}", "Re-save the model together with its data file");
                if (length > 0)
                {
                    using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
                    stream.Position = offset;
                    int read = 0;
                    while (read < bytes.Length)
                    {
                        int n = stream.Read(bytes, read, bytes.Length - read);
                        if (n == 0) throw Unavailable(tensor, $"'{location}' ended before byte {offset + length}", "Re-save the model together with its data file");
                        read += n;
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or System.Security.SecurityException)
            {
                throw Unavailable(tensor, $"'{location}' could not be read ({ex.Message.TrimEnd('.')})", "Check that the data file is readable");
            }
            _files[location] = fullPath;
            return bytes;
        }

        private long ParseNonNegative(OnnxTensor tensor, string key, string? text, long absent)
        {
            if (text == null) return absent;
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)) return value;
            throw new CompileError(DiagnosticCatalog.MalformedModel.Create(_fileName,
                $"tensor '{tensor.Name}': external_data {key} '{text}' is not a non-negative integer"));
        }

        private CompileError Unavailable(OnnxTensor tensor, string why, string fix) =>
            new CompileError(DiagnosticCatalog.ExternalData.Create(_fileName, tensor.Name, tensor.ExternalLocation, why, fix));
    }
}
