import CReadline
import Foundation

/// Tab completion through readline's C callbacks (which cannot capture context, hence the
/// static state).
///
/// - In code: the session's completions — names in scope and builtins, members after `.`
///   (`m2.teacher.backbone.layer1`), keyword arguments inside a call (`axis: `).
/// - Inside an open string literal, and after `:load `: file names (readline's own).
/// - At the start of a line after `:`: the REPL's commands.
enum Completion {
    /// Completions for the text before the cursor; each replaces the trailing partial name.
    nonisolated(unsafe) static var completer: (String) -> [String] = { _ in [] }
    /// Earlier lines of the unfinished entry (ends with a newline, or is empty).
    nonisolated(unsafe) static var context = ""

    /// Characters that end a word in code (`.` so that members complete on their own).
    nonisolated(unsafe) private static let codeBreaks = UnsafeMutablePointer(strdup(" \t\n\"'`@$><=;|&{}()[],+-*/%!:.~^")!)
    /// Inside a string only the quote ends the word, so paths keep their `/` and `.`.
    nonisolated(unsafe) private static let stringBreaks = UnsafeMutablePointer(strdup("\"")!)
    /// After `:load ` a path is one word.
    nonisolated(unsafe) private static let pathBreaks = UnsafeMutablePointer(strdup(" \t\n\"'")!)

    /// The REPL's commands, for completion after `:`.
    nonisolated(unsafe) static var commands: [String] = []

    /// Points readline at the callbacks below.
    static func install() {
        rl_attempted_completion_function = attemptCompletion
        rl_completion_word_break_hook = wordBreaks
        rl_completer_word_break_characters = UnsafePointer(codeBreaks)
    }

    /// The text of the line before the cursor.
    static func lineBeforeCursor() -> String {
        guard let buffer = rl_line_buffer else { return "" }
        let bytes = UnsafeRawBufferPointer(start: buffer, count: Int(max(rl_point, 0)))
        return String(decoding: bytes, as: UTF8.self)
    }

    fileprivate static func isLoadCommand(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " }
        return trimmed.hasPrefix(":load ") || trimmed.hasPrefix(":l ")
    }

    /// Whether the cursor sits inside an open string literal of `text` (string
    /// interpolation `\( … )` counts as code again; comments are skipped).
    static func isInsideString(_ text: String) -> Bool {
        // Each frame is a string, or the code of an interpolation with its paren depth.
        enum Frame { case string, code(depth: Int) }
        var stack: [Frame] = [.code(depth: 0)]
        var chars = Array(text)[...]
        while let c = chars.popFirst() {
            switch stack[stack.count - 1] {
            case .string:
                if c == "\\" {
                    if chars.first == "(" { chars.removeFirst(); stack.append(.code(depth: 0)) }
                    else if !chars.isEmpty { chars.removeFirst() }
                } else if c == "\"" {
                    stack.removeLast()
                } else if c == "\n" {
                    stack.removeLast()  // strings are one line; the scanner reports the error
                }
            case .code(let depth):
                switch c {
                case "\"": stack.append(.string)
                case "#": while let n = chars.first, n != "\n" { chars.removeFirst() }
                case "(": stack[stack.count - 1] = .code(depth: depth + 1)
                case ")":
                    if depth == 0, stack.count > 1 { stack.removeLast() }
                    else { stack[stack.count - 1] = .code(depth: max(depth - 1, 0)) }
                default: break
                }
            }
        }
        if case .string = stack[stack.count - 1] { return true }
        return false
    }

    /// The replacements for `word` (readline's current word) given the session's
    /// completions for `text`: both end with the same partial name.
    static func matches(text: String, word: String) -> [String] {
        let trimmed = text.drop { $0 == " " }
        if trimmed.hasPrefix(":") && !trimmed.contains(" ") {
            return commands.filter { $0.hasPrefix(word) }
        }
        if trimmed.hasPrefix(":") {
            // `:help NAME`, `:time EXPR`: complete the rest as code.
            let rest = String(trimmed.drop { $0 != " " })
            return matches(text: rest, word: word)
        }
        let partial = text.reversed().prefix { $0 == "_" || $0.isLetter || ($0.isASCII && $0.isNumber) }.count
        let head = word.dropLast(min(partial, word.count))
        var seen = Set<String>()
        return completer(text).map { head + $0 }.filter { seen.insert($0).inserted }
    }
}

/// `rl_completion_word_break_hook`: which characters end the word being completed.
private let wordBreaks: @convention(c) () -> UnsafeMutablePointer<CChar>? = {
    let line = Completion.lineBeforeCursor()
    if Completion.isLoadCommand(line) { return Completion.pathBreaksPointer }
    return Completion.isInsideString(Completion.context + line) ? Completion.stringBreaksPointer : Completion.codeBreaksPointer
}

extension Completion {
    fileprivate static var codeBreaksPointer: UnsafeMutablePointer<CChar> { codeBreaks }
    fileprivate static var stringBreaksPointer: UnsafeMutablePointer<CChar> { stringBreaks }
    fileprivate static var pathBreaksPointer: UnsafeMutablePointer<CChar> { pathBreaks }
}

/// `rl_attempted_completion_function`: returns readline's match array (the common prefix
/// first, then every match, then NULL), or NULL to fall back to file names.
private let attemptCompletion: @convention(c) (UnsafePointer<CChar>?, Int32, Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, _, _ in
    let line = Completion.lineBeforeCursor()
    let word = text.map { String(cString: $0) } ?? ""
    if Completion.isLoadCommand(line) || Completion.isInsideString(Completion.context + line) {
        // Readline's filename completion; no space after the name inside a string.
        rl_completion_append_character = Completion.isLoadCommand(line) ? 32 : 0
        rl_attempted_completion_over = 0
        return nil
    }
    rl_completion_append_character = 0
    rl_attempted_completion_over = 1
    let found = Completion.matches(text: Completion.context + line, word: word).sorted()
    guard !found.isEmpty else { return nil }
    let common = found.dropFirst().reduce(found[0]) { prefix, next in
        String(zip(prefix, next).prefix { $0 == $1 }.map(\.0))
    }
    // Readline's convention: the substitution first (the only match, or the common
    // prefix of several), then the matches when there are several, then NULL. Readline
    // frees the array and the strings with free(), so they come from malloc.
    let items = found.count == 1 ? found : [common] + found
    let raw = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (items.count + 1))!
    let list = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: items.count + 1)
    for (i, m) in items.enumerated() { list[i] = strdup(m) }
    list[items.count] = nil
    return list
}
