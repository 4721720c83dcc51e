using System;
using System.Collections.Generic;
using System.IO;

namespace MobileViT.Compiler.Import
{
    /// <summary>
    /// Decides whether an initializer's external_data "location" may be read. A model file is untrusted input that
    /// runs inside every build of its users, so a location must name a regular file in the model's own folder or
    /// below it: no absolute or drive-relative paths, no "..", no symbolic links (a link could lead anywhere).
    /// build/MobileViT.Compiler.targets applies the same rules before embedding the file; keep them in step.
    /// </summary>
    public static class ExternalDataLocation
    {
        /// <summary>
        /// Resolves <paramref name="location"/> against <paramref name="modelDirectory"/>. On success
        /// <paramref name="normalized"/> is the location with '/' separators and no "." segments (the suffix of the
        /// embedded resource name); otherwise <paramref name="reason"/> says why it was refused, and
        /// <paramref name="missing"/> tells a harmless location whose file is absent from a refused one.
        /// </summary>
        public static bool TryResolve(string modelDirectory, string location, out string fullPath, out string normalized, out string reason, out bool missing)
        {
            missing = false;
            fullPath = "";
            normalized = "";
            if (!TryNormalize(location, out normalized, out reason)) return false;

            string root;
            try
            {
                root = Path.GetFullPath(modelDirectory);
                fullPath = Path.GetFullPath(Path.Combine(root, normalized.Replace('/', Path.DirectorySeparatorChar)));
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
            {
                reason = "is not a valid path (" + ex.Message.TrimEnd('.') + ")";
                return false;
            }

            string rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ? root : root + Path.DirectorySeparatorChar;
            var comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            if (!fullPath.StartsWith(rootWithSeparator, comparison))
            {
                reason = "resolves outside the model's folder";
                return false;
            }

            // Every component below the model's folder must be a real directory or file, not a link.
            string current = root;
            string[] segments = normalized.Split('/');
            for (int i = 0; i < segments.Length; i++)
            {
                current = Path.Combine(current, segments[i]);
                FileAttributes attributes;
                try
                {
                    attributes = File.GetAttributes(current);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
                {
                    reason = "does not exist in the model's folder";
                    missing = true;
                    return false;
                }
                if ((attributes & FileAttributes.ReparsePoint) != 0)
                {
                    reason = "passes through the symbolic link or junction '" + string.Join("/", segments, 0, i + 1) + "' (a link could lead outside the model's folder)";
                    return false;
                }
                bool isLast = i == segments.Length - 1;
                if (isLast && (attributes & FileAttributes.Directory) != 0)
                {
                    reason = "is a folder, not a file";
                    return false;
                }
                if (isLast && (attributes & FileAttributes.Device) != 0)
                {
                    reason = "is a device, not a file";
                    return false;
                }
            }
            reason = "";
            return true;
        }

        /// <summary>
        /// Checks the text of a location without touching the file system: relative, no "..", no drive, stream or
        /// device syntax, no control characters. Public so tools can explain a refusal.
        /// </summary>
        public static bool TryNormalize(string location, out string normalized, out string reason)
        {
            normalized = "";
            if (string.IsNullOrEmpty(location))
            {
                reason = "is empty";
                return false;
            }
            foreach (char c in location)
            {
                if (c < ' ' || c == '"' || c == '<' || c == '>' || c == '|' || c == '*' || c == '?')
                {
                    reason = "contains a character that is not allowed in a file name";
                    return false;
                }
            }
            if (location[0] == '/' || location[0] == '\\' || location[0] == '~')
            {
                reason = "is an absolute path (only paths relative to the model's folder are read)";
                return false;
            }
            if (location.IndexOf(':') >= 0)
            {
                reason = "contains ':' (a drive, URL or alternate data stream; only paths relative to the model's folder are read)";
                return false;
            }

            var kept = new List<string>();
            foreach (string segment in location.Split('/', '\\'))
            {
                if (segment.Length == 0 || segment == ".") continue;
                if (segment == ".." || segment.Trim().Trim('.').Length == 0)
                {
                    reason = "leads out of the model's folder ('" + segment + "' segment)";
                    return false;
                }
                if (segment != segment.TrimEnd(' ', '.'))
                {
                    // Windows drops trailing dots and spaces, so "a.." and "a" would be the same file there.
                    reason = "has a segment ending in '.' or ' ' ('" + segment + "')";
                    return false;
                }
                kept.Add(segment);
            }
            if (kept.Count == 0)
            {
                reason = "names the model's folder itself, not a file";
                return false;
            }
            normalized = string.Join("/", kept);
            reason = "";
            return true;
        }
    }
}
