#!/usr/bin/env bash
# Measures what a user ships for MobileViT-XXS (models/mobilevit_v1_xxs_opset17.onnx) on linux-x64:
#   1. an app that references the MobileViT.Compiler package, published with NativeAOT (the model is embedded);
#   2. the same app written against ONNX Runtime 1.31.1: NativeAOT, self-contained + trimmed, framework-dependent.
# Every app runs the model once on models/mobilevit_v1_xxs.input.bin. Prints one table row per published file and
# the totals; docs/performance.md ("NativeAOT size") quotes them. Needs clang and zlib1g-dev. Takes a few minutes.
#
#   bash src/Package/measure-sizes.sh
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d /tmp/mobilevit-sizes.XXXXXX)"
version="0.1.0-size.$(date -u +%Y%m%d%H%M%S)"
rid=linux-x64
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 MSBUILDTERMINALLOGGER=off

cleanup() {
  rm -rf "$work"
  local cache="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
  rm -rf "$cache/mobilevit.compiler/$version" "$cache/mobilevit.runtime/$version"
}
trap cleanup EXIT

echo "packing MobileViT.Compiler $version" >&2
dotnet pack "$repo/src/Package/MobileViT.Compiler.Package.csproj" -c Release -o "$work/packages" \
  --artifacts-path "$work/build" -p:PackageVersion="$version" > "$work/pack.log" 2>&1 || { cat "$work/pack.log"; exit 1; }

# --- the MobileViT.Compiler app -----------------------------------------------------------------------------------
app="$work/compiled"
mkdir -p "$app"
cp "$repo/models/mobilevit_v1_xxs_opset17.onnx" "$app/"
echo '<Project />' > "$app/Directory.Build.props"
echo '<Project />' > "$app/Directory.Build.targets"
cat > "$app/NuGet.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="mobilevit-local" value="$work/packages" />
  </packageSources>
</configuration>
EOF
cat > "$app/Compiled.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <RootNamespace>Compiled</RootNamespace>
    <PublishAot>true</PublishAot>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="MobileViT.Compiler" Version="$version" />
    <AdditionalFiles Include="mobilevit_v1_xxs_opset17.onnx" ModelName="MobileViTXXS" />
  </ItemGroup>
</Project>
EOF
cat > "$app/Program.cs" <<'EOF'
using System.IO;
using System.Runtime.InteropServices;
using Compiled;

var input = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[0])).ToArray();
var output = new float[MobileViTXXS.OutputLength];
MobileViTXXS.Run(input, output);
System.Console.WriteLine($"logit[0] = {output[0]}");
EOF

# --- the ONNX Runtime app -----------------------------------------------------------------------------------------
ort="$work/onnxruntime"
mkdir -p "$ort"
echo '<Project />' > "$ort/Directory.Build.props"
echo '<Project />' > "$ort/Directory.Build.targets"
cat > "$ort/OnnxRuntimeApp.csproj" <<'EOF'
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <NoWarn>$(NoWarn);NU1603</NoWarn>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.ML.OnnxRuntime" Version="1.31.1" />
  </ItemGroup>
</Project>
EOF
cat > "$ort/Program.cs" <<'EOF'
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

// OnnxRuntimeApp model.onnx input.bin
var input = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(args[1])).ToArray();
using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
using var session = new InferenceSession(args[0], options);
using var tensor = OrtValue.CreateTensorValueFromMemory(input, new long[] { 1, 3, 256, 256 });
using var runOptions = new RunOptions();
using var results = session.Run(runOptions, new[] { session.InputMetadata.Keys.Single() }, new[] { tensor }, session.OutputNames);
System.Console.WriteLine($"logit[0] = {results[0].GetTensorDataAsSpan<float>()[0]}");
EOF

publish() { # folder, output, extra arguments...
  local folder="$1" output="$2"
  shift 2
  echo "publishing $(basename "$folder") -> $(basename "$output") $*" >&2
  dotnet publish "$folder" -c Release -r "$rid" -o "$output" "$@" > "$output.log" 2>&1 || { cat "$output.log"; exit 1; }
  if grep -E 'warning (IL|NETSDK|CS)[0-9]+' "$output.log"; then echo "unexpected warnings in $output.log" >&2; fi
}
mkdir -p "$work/out"
publish "$app" "$work/out/compiled-nativeaot"
publish "$ort" "$work/out/onnxruntime-nativeaot" -p:PublishAot=true
publish "$ort" "$work/out/onnxruntime-selfcontained-trimmed" --self-contained true -p:PublishTrimmed=true
publish "$ort" "$work/out/onnxruntime-frameworkdependent" --self-contained false

input="$repo/models/mobilevit_v1_xxs.input.bin"
model="$repo/models/mobilevit_v1_xxs_opset17.onnx"
echo "compiled, NativeAOT:         $("$work/out/compiled-nativeaot/Compiled" "$input")" >&2
echo "ONNX Runtime, NativeAOT:     $("$work/out/onnxruntime-nativeaot/OnnxRuntimeApp" "$model" "$input")" >&2
echo "ONNX Runtime, self-contained: $("$work/out/onnxruntime-selfcontained-trimmed/OnnxRuntimeApp" "$model" "$input")" >&2

# Debug symbols (.dbg, .pdb) are not shipped. ONNX Runtime's package copies its win-x64 DLLs into a linux-x64 publish
# as well; they are listed, and left out of the "linux files" total.
model_bytes=$(stat -c %s "$model")
echo
echo "| publish folder | file | bytes |"
echo "| --- | --- | ---: |"
for out in "$work"/out/*/; do
  name=$(basename "$out")
  find "$out" -maxdepth 1 -type f ! -name '*.dbg' ! -name '*.pdb' -printf '%s %f\n' | sort -rn | head -8 |
    while read -r bytes file; do printf '| %s | %s | %d |\n' "$name" "$file" "$bytes"; done
  all=$(find "$out" -type f ! -name '*.dbg' ! -name '*.pdb' -printf '%s\n' | awk '{ s += $1 } END { print s }')
  linux=$(find "$out" -type f ! -name '*.dbg' ! -name '*.pdb' ! -name '*.dll' -printf '%s\n' | awk '{ s += $1 } END { print s }')
  managed=$(find "$out" -type f -name '*.dll' ! -name 'onnxruntime*.dll' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }')
  count=$(find "$out" -type f ! -name '*.dbg' ! -name '*.pdb' | wc -l)
  printf '| %s | **total: %d files** | %d |\n' "$name" "$count" "$all"
  printf '| %s | **linux files (no win-x64 onnxruntime*.dll)** | %d |\n' "$name" "$((linux + managed))"
done
echo
echo "model file (needed beside every ONNX Runtime app): $model_bytes bytes"
