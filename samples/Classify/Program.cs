using System.Diagnostics;
using System.Globalization;
using ClassifySample;
using MobileViT.Runtime;
using StbImageSharp;

// Classifies a PNG or JPEG with an ImageNet-style model compiled at build time (the AdditionalFiles item in
// Classify.Sample.csproj; to classify with another model, point that item at it and rebuild). The default model,
// models/mobilevit_v1_xxs_opset17.onnx, has RANDOM weights: the pipeline is real, the classes it prints are not.
//
// Preprocessing, as ImageNet evaluation does it: resize so the shorter side is 1.125 x the model's input (288 for
// 256, bilinear with antialiasing), center crop to the input size, then (pixel / 255 - mean) / std per channel with
// the ImageNet mean and standard deviation (--unit-range: mean 0 and std 1, which timm's MobileViT weights expect).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

string? imageArgument = null;
int? resizeTo = null;
bool unitRange = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--resize" when i + 1 < args.Length && int.TryParse(args[i + 1], out int side): resizeTo = side; i++; break;
        case "--unit-range": unitRange = true; break;
        case "-h" or "--help":
            Console.WriteLine("usage: dotnet run -c Release --project samples/Classify [-- [IMAGE] [--resize SHORTER_SIDE] [--unit-range]]");
            return 0;
        default:
            if (args[i].StartsWith("--", StringComparison.Ordinal)) { Console.Error.WriteLine($"Unknown argument '{args[i]}'."); return 2; }
            imageArgument = args[i];
            break;
    }
}

string imagePath = imageArgument ?? Path.Combine(AppContext.BaseDirectory, "test.png");
ReadOnlySpan<int> shape = ImageClassifier.InputShape; // [1, channels, height, width]
int channels = shape[1], height = shape[2], width = shape[3];
int shorterSide = resizeTo ?? (int)Math.Round(Math.Min(width, height) * 1.125);
if (channels is not (1 or 3)) { Console.Error.WriteLine($"The model takes {channels} channels; this sample handles 1 (gray) or 3 (RGB)."); return 1; }
if (shorterSide < Math.Max(width, height)) { Console.Error.WriteLine($"--resize {shorterSide} is smaller than the model's {width}x{height} input."); return 1; }

var watch = Stopwatch.StartNew();
ImageResult image;
using (var file = File.OpenRead(imagePath))
    image = ImageResult.FromStream(file, channels == 1 ? ColorComponents.Grey : ColorComponents.RedGreenBlue);
double decodeMilliseconds = watch.Elapsed.TotalMilliseconds;

watch.Restart();
ImageResize.ShorterSide(image.Width, image.Height, shorterSide, out int resizedWidth, out int resizedHeight);
var resized = new byte[resizedWidth * resizedHeight * channels];
ImageResize.Bilinear(image.Data, image.Width, image.Height, channels, resized, resizedWidth, resizedHeight);
double resizeMilliseconds = watch.Elapsed.TotalMilliseconds;

// Center crop without copying: normalize the rectangle in place, reading rows at the resized image's stride.
watch.Restart();
int top = ImageCrop.CenterOffset(resizedHeight, height), left = ImageCrop.CenterOffset(resizedWidth, width);
ReadOnlySpan<float> mean = unitRange ? new float[channels] : ImageNormalization.ImageNetMean[..channels];
ReadOnlySpan<float> standardDeviation = unitRange ? Enumerable.Repeat(1f, channels).ToArray() : ImageNormalization.ImageNetStandardDeviation[..channels];
var input = new float[ImageClassifier.InputLength];
ImageNormalization.InterleavedToPlanar(resized.AsSpan((top * resizedWidth + left) * channels), width, height, channels,
    resizedWidth * channels, mean, standardDeviation, input);
double normalizeMilliseconds = watch.Elapsed.TotalMilliseconds;

var logits = new float[ImageClassifier.OutputLength];
watch.Restart();
ImageClassifier.Run(input, logits); // the first call also prepares the weights
double firstRunMilliseconds = watch.Elapsed.TotalMilliseconds;
watch.Restart();
ImageClassifier.Run(input, logits);
double runMilliseconds = watch.Elapsed.TotalMilliseconds;

Console.WriteLine($"{imageArgument ?? "test.png"}: {image.Width}x{image.Height}, resized to {resizedWidth}x{resizedHeight}, cropped to {width}x{height}, " +
    (unitRange ? "scaled to [0, 1]" : "ImageNet mean/std"));
Console.WriteLine("model: models/mobilevit_v1_xxs_opset17.onnx unless the project says otherwise; random weights, so the classes are meaningless");
Console.WriteLine("top-5 (ImageNet class index: softmax probability):");
float[] probabilities = Softmax(logits);
foreach (int index in Enumerable.Range(0, probabilities.Length).OrderByDescending(i => probabilities[i]).Take(5))
    Console.WriteLine($"  {index,4}: {probabilities[index]:F4}");
Console.WriteLine($"time (first call of each, including JIT): decode {decodeMilliseconds:F1} ms, resize {resizeMilliseconds:F1} ms, normalize {normalizeMilliseconds:F2} ms, " +
    $"Run {runMilliseconds:F1} ms (first Run {firstRunMilliseconds:F0} ms, including weight preparation)");
return 0;

static float[] Softmax(ReadOnlySpan<float> logits)
{
    float max = float.NegativeInfinity;
    foreach (float value in logits) max = Math.Max(max, value);
    var result = new float[logits.Length];
    double sum = 0;
    for (int i = 0; i < logits.Length; i++) sum += result[i] = MathF.Exp(logits[i] - max);
    for (int i = 0; i < result.Length; i++) result[i] = (float)(result[i] / sum);
    return result;
}
