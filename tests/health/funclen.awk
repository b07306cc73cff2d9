# Top-level C function bodies and their length: one line per function,
# "FILE:LINE NAME LINES" (LINES from the line of its name to the closing
# brace). Braces in strings, character literals, comments and preprocessor
# lines do not count; a "{" at depth 0 opens a function when the text before
# it (since the last ";" or "}" at depth 0) ends in ")" and has no "=".
# Usage: awk -f funclen.awk FILE...
function flush_header() { hdr = ""; hdr_line = 0 }
FNR == 1 { depth = 0; in_comment = 0; cont = 0; flush_header() }
{
    line = $0
    if (cont) { cont = (line ~ /\\$/); next }          # a macro's continuation
    if (!in_comment && line ~ /^[ \t]*#/) { cont = (line ~ /\\$/); next }
    out = ""
    while (length(line) > 0) {
        if (in_comment) {
            p = index(line, "*/")
            if (!p) { line = ""; break }
            line = substr(line, p + 2); in_comment = 0; continue
        }
        c = substr(line, 1, 1); two = substr(line, 1, 2)
        if (two == "/*") { in_comment = 1; line = substr(line, 3); out = out " "; continue }
        if (two == "//") break
        if (c == "\"" || c == "'") {                    # skip a literal
            i = 2
            while (i <= length(line)) {
                d = substr(line, i, 1)
                if (d == "\\") { i += 2; continue }
                if (d == c) break
                i++
            }
            line = substr(line, i + 1); out = out c c; continue
        }
        out = out c; line = substr(line, 2)
    }
    for (i = 1; i <= length(out); i++) {
        c = substr(out, i, 1)
        if (depth == 0) {
            if (c == "{") {
                h = hdr; gsub(/[ \t]+$/, "", h)
                is_fn = (h ~ /\)$/ || h ~ /\)[ \t]*__attribute__/) && h !~ /=/
                if (is_fn) {
                    name = h; sub(/\(.*/, "", name); sub(/.*[ \t*]/, "", name)
                    if (name ~ /^[A-Z0-9_]+$/) {          # a macro: NAME(arg)
                        arg = h; sub(/^[^(]*\(/, "", arg); sub(/[,)].*/, "", arg)
                        name = name "(" arg ")"
                    }
                    fn_name = name; fn_file = FILENAME; fn_start = hdr_line
                } else fn_name = ""
                depth = 1; flush_header(); continue
            }
            if (c == ";" || c == "}") { flush_header(); continue }
            if (c !~ /[ \t]/ && !hdr_line) hdr_line = FNR
            hdr = hdr c
        } else {
            if (c == "{") depth++
            else if (c == "}" && --depth == 0) {
                if (fn_name != "") print fn_file ":" fn_start " " fn_name " " (FNR - fn_start + 1)
                fn_name = ""
            }
        }
    }
    if (depth == 0 && hdr != "") hdr = hdr " "
}
