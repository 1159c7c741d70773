/// The small Markdown subset lessons use, rendered to well-formed XHTML.
///
/// Blocks: ATX headings (`#`…`######`), paragraphs, fenced code blocks (```` ``` ````),
/// display math (`$$ … $$` on its own lines, shown as code), bullet lists (`-`, `*`) and
/// numbered lists (`1.`), block quotes (`>`). Inline: `*emphasis*`, `**strong**`,
/// `` `code` ``, `$math$` (shown as code), `[text](target)`. Links to the network are
/// rendered as text followed by the address, so a page never refers to a remote resource.
public enum Markdown {
    /// `text` as XHTML.
    public static func html(_ text: String) -> String {
        var out: [String] = []
        var paragraph: [String] = []
        var list: (ordered: Bool, items: [String])? = nil
        var quote: [String] = []
        var fence: [String]? = nil
        var math: [String]? = nil

        func flushParagraph() {
            if !paragraph.isEmpty { out.append("<p>" + inline(paragraph.joined(separator: " ")) + "</p>") }
            paragraph = []
        }
        func flushList() {
            if let l = list {
                let tag = l.ordered ? "ol" : "ul"
                out.append("<\(tag)>" + l.items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
            }
            list = nil
        }
        func flushQuote() {
            if !quote.isEmpty { out.append("<blockquote><p>" + inline(quote.joined(separator: " ")) + "</p></blockquote>") }
            quote = []
        }
        func flushAll() { flushParagraph(); flushList(); flushQuote() }

        for raw in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if var f = fence {
                if line.hasPrefix("```") {
                    out.append("<pre class=\"code\"><code>" + Highlighter.html(f.joined(separator: "\n")) + "</code></pre>")
                    fence = nil
                } else { f.append(raw); fence = f }
                continue
            }
            if var m = math {
                if line.hasSuffix("$$") {
                    m.append(String(line.dropLast(2)))
                    out.append("<pre class=\"math\">" + escape(m.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)) + "</pre>")
                    math = nil
                } else { m.append(raw); math = m }
                continue
            }
            if line.hasPrefix("```") { flushAll(); fence = []; continue }
            if line.hasPrefix("$$") {
                flushAll()
                let rest = String(line.dropFirst(2))
                if rest.hasSuffix("$$") && rest.count >= 2 {
                    out.append("<pre class=\"math\">" + escape(String(rest.dropLast(2)).trimmingCharacters(in: .whitespaces)) + "</pre>")
                } else { math = [rest] }
                continue
            }
            if line.isEmpty { flushAll(); continue }
            if let (level, title) = heading(line) {
                flushAll()
                out.append("<h\(level)>" + inline(title) + "</h\(level)>")
                continue
            }
            if line.hasPrefix(">") {
                flushParagraph(); flushList()
                quote.append(String(line.dropFirst()).trimmingCharacters(in: .whitespaces))
                continue
            }
            if let (ordered, item) = listItem(line) {
                flushParagraph(); flushQuote()
                if list == nil || list!.ordered != ordered { flushList(); list = (ordered, []) }
                list!.items.append(item)
                continue
            }
            if list != nil, raw.hasPrefix("  ") {
                list!.items[list!.items.count - 1] += " " + line   // a continued list item
                continue
            }
            flushList(); flushQuote()
            paragraph.append(line)
        }
        if let f = fence { out.append("<pre class=\"code\"><code>" + Highlighter.html(f.joined(separator: "\n")) + "</code></pre>") }
        if let m = math { out.append("<pre class=\"math\">" + escape(m.joined(separator: "\n")) + "</pre>") }
        flushAll()
        return out.joined(separator: "\n")
    }

    static func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        return (hashes, rest.trimmingCharacters(in: .whitespaces))
    }

    static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if line.hasPrefix("- ") || line.hasPrefix("* ") { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { Highlighter.isDigit($0) }
        if !digits.isEmpty, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// Inline spans: code and math first (their contents are literal), then links, strong
    /// and emphasis.
    public static func inline(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        var open: [String] = []   // "em" / "strong" currently open
        while i < chars.count {
            let c = chars[i]
            if c == "\\", i + 1 < chars.count, "\\`*_[]$#".contains(chars[i + 1]) {
                out += escape(String(chars[i + 1])); i += 2; continue
            }
            if c == "`" || c == "$", let end = chars[(i + 1)...].firstIndex(of: c), end > i + 1 {
                let body = String(chars[(i + 1)..<end])
                out += c == "`" ? "<code>" + escape(body) + "</code>" : "<code class=\"math\">" + escape(body) + "</code>"
                i = end + 1; continue
            }
            if c == "[", let close = chars[i...].firstIndex(of: "]"), close + 1 < chars.count, chars[close + 1] == "(",
               let paren = chars[(close + 1)...].firstIndex(of: ")") {
                let label = inline(String(chars[(i + 1)..<close]))
                let target = String(chars[(close + 2)..<paren]).trimmingCharacters(in: .whitespaces)
                if isLocal(target) {
                    out += "<a href=\"" + escape(target) + "\">" + label + "</a>"
                } else {
                    out += label + " (<code class=\"url\">" + escape(target) + "</code>)"
                }
                i = paren + 1; continue
            }
            if c == "*" || c == "_" {
                let double = i + 1 < chars.count && chars[i + 1] == c
                let tag = double ? "strong" : "em"
                let width = double ? 2 : 1
                // `_` inside a word (snake_case) is a letter, not emphasis.
                let wordBefore = i > 0 && Highlighter.isWord(chars[i - 1])
                let wordAfter = i + 1 < chars.count && Highlighter.isWord(chars[i + 1])
                if c == "_", wordBefore && wordAfter { out += "_"; i += 1; continue }
                if open.last == tag {
                    out += "</\(tag)>"; open.removeLast(); i += width; continue
                }
                let next = i + width < chars.count ? chars[i + width] : " "
                let rest = String(chars[(i + width)...])
                if next != " ", rest.contains(String(repeating: String(c), count: width)) {
                    out += "<\(tag)>"; open.append(tag); i += width; continue
                }
            }
            out += escape(String(c))
            i += 1
        }
        for tag in open.reversed() { out += "</\(tag)>" }
        return out
    }

    /// A link that stays inside the page or the local folder.
    static func isLocal(_ target: String) -> Bool {
        let lower = target.lowercased()
        return !lower.contains("://") && !lower.hasPrefix("//") && !lower.hasPrefix("mailto:") && !lower.hasPrefix("javascript:")
    }

    /// Escapes text for XHTML content and attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // XML 1.0 forbids most control characters, even escaped.
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }
}
