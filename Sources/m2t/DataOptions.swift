import ArgumentParser
import M2Script

/// The `--data` family of options shared by the commands that read a dataset.
struct DataOptions: ParsableArguments {
    @Option(help: "Data: fashion-mnist, cifar10 or folder.") var data = "fashion-mnist"
    @Option(help: "Data directory (fashion-mnist: the IDX files; cifar10: the .bin batches; folder: <root>/<class>/*).") var dataDir: String?
    @Option(help: "Test folder for --data folder.") var testDir: String?
    @Option(help: "Image side for --data folder.") var imageSize = 64

    /// The source the options name.
    func source() throws -> DataSource {
        switch data {
        case "fashion-mnist": return .fashionMNIST(directory: dataDir)
        case "cifar10":
            guard let dataDir else { throw ValidationError("--data cifar10 needs --data-dir") }
            return .cifar10(directory: dataDir)
        case "folder":
            guard let dataDir else { throw ValidationError("--data folder needs --data-dir") }
            return .imageFolder(train: dataDir, test: testDir, size: imageSize)
        default: throw ValidationError("unknown --data '\(data)': use fashion-mnist, cifar10 or folder")
        }
    }
}
