import Foundation
import M2NN

/// save / load of modules and tensor dicts as safetensors.
enum StateBuiltins {
    /// A load report as a record `{missing, unexpected, mismatched}`.
    static func report(_ r: LoadReport) -> Value {
        Convert.record([("missing", Convert.list(r.missing)), ("unexpected", Convert.list(r.unexpected)),
                        ("mismatched", Convert.list(r.shapeMismatches.map(\.key)))])
    }

    static let all: [BuiltinFunction] = [
        BuiltinFunction("file_exists", "path", doc: "Whether a file or directory exists at `path`.",
                        example: "if file_exists(\"/usr/share/datasets/fashion-mnist\") { print(\"data here\") }") { a in
            .bool(FileManager.default.fileExists(atPath: try a.string("path")))
        },
        BuiltinFunction("save", "value, path", doc: "Writes a module's state (or a dict of tensors) as a safetensors file, atomically.",
                        example: "save(net, \"net.safetensors\")") { a in
            let url = URL(fileURLWithPath: try a.string("path"))
            switch a["value"] {
            case .object(let o as ModuleObject): try o.module.save(to: url)
            case .dict(let d):
                let tensors = try d.entries.map { k, v -> (String, Tensor) in
                    guard case .string(let key) = k, case .tensor(let t) = v else { throw RuntimeFailure("save: a dict must map names to tensors") }
                    return (key, t)
                }
                try SafeTensors.write(tensors, to: url)
            default: throw a.fail("value", "a module or a dict of tensors")
            }
            return .nil
        },
        BuiltinFunction("load", "value, path=nil, strict=true",
                        doc: "load(module, path): copies a safetensors file into the module (strict: every key must match) and returns {missing, unexpected, mismatched}; load(path): the file as a dict of tensors.",
                        example: "load(net, \"net.safetensors\", strict: false)") { a in
            if case .string(let path) = a["value"], a.isNil("path") {
                let file = try SafeTensors.read(URL(fileURLWithPath: path))
                return .dict(DictBox(file.tensors.sorted { $0.key < $1.key }.map { (DictKey.string($0.key), Value.tensor($0.value)) }))
            }
            let m = try a.module("value")
            return report(try m.load(from: URL(fileURLWithPath: try a.string("path")), strict: try a.bool("strict")))
        },
    ]
}
