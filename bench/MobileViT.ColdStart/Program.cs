using MobileViT.ColdStart;

// dotnet run -c Release --project bench/MobileViT.ColdStart -- measure [N]           under the JIT
// dotnet publish -c Release bench/MobileViT.ColdStart -p:ColdStartAot=true -o DIR
//   && DIR/MobileViT.ColdStart measure [N]                                           NativeAOT
// MobileViT.ColdStart ENGINE MODEL [MODELS_DIR]   one process, one first result (what `measure` starts N times)
if (args.Length >= 1 && args[0] == "measure")
    return FirstResultTiming.Measure(args.Length > 1 ? int.Parse(args[1]) : 5);
if (args.Length >= 2)
    return FirstResult.Run(args[0], args[1], args.Length > 2 ? args[2] : null);
Console.Error.WriteLine("usage: MobileViT.ColdStart measure [N] | MobileViT.ColdStart generated|onnxruntime MODEL [MODELS_DIR]");
return 2;
