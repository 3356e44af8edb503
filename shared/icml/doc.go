// Package icml writes and checks ICML, the catalog format RetailCRM downloads (its extension of
// Yandex YML; see shared/spec/icml.md).
//
// Writer streams a catalog: a header, categories, offers, holding nothing but one offer and
// the set of category ids in memory, with one reused buffer and no allocation per offer. Its
// output is byte-stable: indentation by two spaces per level, one element per line, "\n" line
// ends. Strings are escaped: in character data & < > become &amp; &lt; &gt; and a carriage
// return &#13;, while " and ' are written as they are; in attribute values & < > " ' become
// &amp; &lt; &gt; &quot; &apos; and tab, line feed and carriage return &#9; &#10; &#13;.
// Characters XML 1.0 does not allow (C0 controls other than tab, line feed and carriage
// return, U+FFFE, U+FFFF) and bytes that are not valid UTF-8 (lone surrogates included) are
// dropped. DEL and the C1 controls are allowed by XML 1.0 and kept. Decimal numbers go through
// Number.
//
// Validator is an io.Writer that checks a document streamed through it, byte by byte and
// independently of Writer: well-formed XML, then the ICML structure and references.
package icml
