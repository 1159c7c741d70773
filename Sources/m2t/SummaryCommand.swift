import ArgumentParser
import M2Script

/// `m2t summary`: a model's layers, output shapes and parameter counts, like torchinfo.
struct SummaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Print a ResNet's module tree with output shapes and parameter counts.")

    @ArgumentParser.Argument(help: "Architecture: resnet18, resnet34 or resnet50.")
    var arch: String

    @Option(help: "Stem: imagenet (7×7 s2 + max-pool) or small (3×3 s1).")
    var stem: ResNet.Stem = .imagenet

    @Option(help: "Channels of the first stage (64 in the paper).")
    var width = 64

    @Option(help: "Input channels.")
    var channels = 3

    @Option(help: "Classes of a classification head (none: backbone with pooled features).")
    var classes: Int?

    @Option(help: "Input size HxW (default 224x224 for the ImageNet stem, 32x32 for the small stem).")
    var input: String?

    func run() throws {
        guard arch.hasPrefix("resnet"), let depth = Int(arch.dropFirst(6)) else {
            throw ValidationError("unknown architecture '\(arch)': use resnet18, resnet34 or resnet50")
        }
        let size = try parseSize(input ?? (stem == .imagenet ? "224x224" : "32x32"))
        let net: ResNet
        do {
            net = try ResNet(.init(depth: depth, width: width, inChannels: channels, stem: stem, classes: classes))
        } catch {
            throw ValidationError("\(error)")
        }
        let input = [1, channels, size.0, size.1]
        print(try net.summaryTable(input: input), terminator: "")
        let flops = try NetworkBenchmark.forwardFLOPs(net, input: input)
        print(String(format: "Forward: %.3f GFLOPs per image (2 × the multiply-adds of convolutions and linear layers)", flops / 1e9))
    }

    private func parseSize(_ s: String) throws -> (Int, Int) {
        let parts = s.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts.allSatisfy({ $0 > 0 && $0 <= 4096 }) else {
            throw ValidationError("--input must look like 224x224, got '\(s)'")
        }
        return (parts[0], parts[1])
    }
}

extension ResNet.Stem: ExpressibleByArgument {}
