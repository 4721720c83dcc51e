using System;
using System.IO;
using Xunit;
using Xunit.Sdk;

namespace MobileViT.Compiler.Tests.Snapshots
{
    public sealed class SnapshotAssertTests : IDisposable
    {
        private readonly string _directory = Path.Combine(Path.GetTempPath(), "mvc-snapshots-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }

        private string BaselinePath(string name) => Path.Combine(_directory, name + ".verified.cs");

        [Fact]
        public void Matching_text_passes_whatever_the_line_endings()
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllText(BaselinePath("same"), "a\r\nb\r\n");

            SnapshotAssert.Matches("a\nb\n", "same", _directory, new SnapshotSettings(IsCi: true, Update: false));
        }

        [Fact]
        public void Different_text_fails_naming_the_first_differing_line()
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllText(BaselinePath("different"), "one\ntwo\nthree\n");

            var failure = Assert.ThrowsAny<XunitException>(() =>
                SnapshotAssert.Matches("one\nTWO\nthree\n", "different", _directory, new SnapshotSettings(IsCi: false, Update: false)));

            Assert.Contains("line 2:", failure.Message);
            Assert.Contains("expected: two", failure.Message);
            Assert.Contains("actual:   TWO", failure.Message);
        }

        [Fact]
        public void Missing_baseline_is_created_and_fails_outside_ci()
        {
            var failure = Assert.ThrowsAny<XunitException>(() =>
                SnapshotAssert.Matches("text\n", "created", _directory, new SnapshotSettings(IsCi: false, Update: false)));

            Assert.Contains("was created", failure.Message);
            Assert.Equal("text\n", File.ReadAllText(BaselinePath("created")));
        }

        [Fact]
        public void Missing_baseline_fails_under_ci_without_writing()
        {
            var failure = Assert.ThrowsAny<XunitException>(() =>
                SnapshotAssert.Matches("text\n", "missing", _directory, new SnapshotSettings(IsCi: true, Update: true)));

            Assert.Contains("is missing", failure.Message);
            Assert.False(File.Exists(BaselinePath("missing")));
        }

        [Fact]
        public void Update_switch_rewrites_the_baseline_and_passes()
        {
            Directory.CreateDirectory(_directory);
            File.WriteAllText(BaselinePath("updated"), "old\n");

            SnapshotAssert.Matches("new\r\n", "updated", _directory, new SnapshotSettings(IsCi: false, Update: true));

            Assert.Equal("new\n", File.ReadAllText(BaselinePath("updated")));
        }

        [Fact]
        public void Extra_lines_are_reported()
        {
            Assert.Contains("unexpected extra lines", SnapshotAssert.FirstDifference("a", "a\nb"));
            Assert.Contains("expected more lines", SnapshotAssert.FirstDifference("a\nb", "a"));
        }

        [Fact]
        public void Baseline_directory_is_found_in_the_source_tree()
        {
            string directory = SnapshotAssert.BaselineDirectory();

            Assert.True(Directory.Exists(directory));
            Assert.EndsWith(Path.Combine("Snapshots", "Baselines"), directory);
        }
    }
}
