package icml_test

import (
	"fmt"
	"strings"
	"testing"

	"unfbridge/shared/icml"
)

// validDoc is a small ICML document written by hand, apart from the Writer.
const validDoc = `<?xml version="1.0" encoding="UTF-8"?>
<yml_catalog date="2026-11-29 12:00:00">
  <shop>
    <name>Shop</name>
    <company>Company</company>
    <categories>
      <category id="G1">Root</category>
      <category id="G2" parentId="G1">Child</category>
    </categories>
    <offers>
      <offer id="O1" productId="P1" quantity="16" type="product">
        <price>990.00</price>
        <categoryId>G2</categoryId>
        <name>Offer &amp; one</name>
        <unit code="pcs" name="Штука" sym="шт."/>
        <dimensions>10/20.5/30</dimensions>
        <productActivity>Y</productActivity>
      </offer>
      <offer id="O2" productId="P1" type="service">
        <categoryId>G1</categoryId>
        <name>Offer two</name>
      </offer>
    </offers>
  </shop>
</yml_catalog>
`

// edit returns validDoc with the first old replaced by new, failing if old is not there.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	doc := validDoc
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(doc, pairs[i]) {
			t.Fatalf("%q is not in the document", pairs[i])
		}
		doc = strings.Replace(doc, pairs[i], pairs[i+1], 1)
	}
	return doc
}

func TestValidatorAccepts(t *testing.T) {
	tests := []struct {
		name string
		doc  string
	}{
		{"plain", validDoc},
		{"CRLF line ends", strings.ReplaceAll(validDoc, "\n", "\r\n")},
		{"comments and instructions", edit(t,
			"<shop>", "<!-- the shop --><?render fast?><shop>",
			"</yml_catalog>\n", "</yml_catalog>\n<!-- end -->\n<?done?>\n")},
		{"CDATA", edit(t, "<name>Offer two</name>", "<name><![CDATA[Offer & <two> ]]]]><![CDATA[>]]></name>")},
		{"single quotes and spaces", edit(t, `<offer id="O2" productId="P1" type="service">`, "<offer  id = 'O2'\n\tproductId='P\"1' type='service' >")},
		{"character references", edit(t, "Offer two", "&#1055;&#x41F;&#x41f;&#x10FFFF;&#9;&#0000065;")},
		{"spaces in end tags", edit(t, "</name>\n      </offer>", "</name  >\n      </offer\n>")},
		{"entity in ids", edit(t, `<category id="G1">`, `<category id="G&amp;1">`, "<categoryId>G1</categoryId>", "<categoryId>G&#38;1</categoryId>")},
		{"tab in ids", edit(t, `<category id="G1">`, `<category id="G&#9;1">`, "<categoryId>G1</categoryId>", "<categoryId>G\t1</categoryId>")},
		{"no XML encoding", edit(t, ` encoding="UTF-8"`, "")},
		{"standalone", edit(t, `encoding="UTF-8"`, `encoding='utf-8' standalone="yes"`)},
		{"empty catalog", edit(t,
			"<categories>\n      <category id=\"G1\">Root</category>\n      <category id=\"G2\" parentId=\"G1\">Child</category>\n    </categories>", "<categories/>",
			"<offers>", "<offers/><!--", "</offers>", "-->")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, err := validate([]byte(tt.doc), 0)
			if err != nil {
				t.Fatalf("%v\n%s", err, tt.doc)
			}
			mustValidate(t, []byte(tt.doc), st.Categories, st.Offers)
		})
	}
	st, _ := validate([]byte(validDoc), 0)
	if st.Categories != 2 || st.Offers != 2 || st.Bytes != int64(len(validDoc)) {
		t.Errorf("stats %+v", st)
	}
}

func TestValidatorRejects(t *testing.T) {
	cats := "    <categories>\n      <category id=\"G1\">Root</category>\n      <category id=\"G2\" parentId=\"G1\">Child</category>\n    </categories>\n"
	offers := validDoc[strings.Index(validDoc, "    <offers>"):strings.Index(validDoc, "  </shop>")]
	tests := []struct {
		name, doc, want string
	}{
		{"empty document", "", "the document is empty"},
		{"missing declaration", validDoc[strings.Index(validDoc, "<yml"):], "not well-formed at byte 0: missing XML declaration"},
		{"space before declaration", "\n" + validDoc, "missing XML declaration"},
		{"declaration version", edit(t, `version="1.0"`, `version="1.1"`), `version="1.0"`},
		{"declaration encoding", edit(t, "UTF-8", "windows-1251"), `encoding "windows-1251" is not UTF-8`},
		{"declaration later", edit(t, "<shop>", `<?xml version="1.0"?><shop>`), "only at the start"},
		{"truncated", validDoc[:strings.Index(validDoc, "<offer id=\"O2\"")], "document ends inside <offers>"},
		{"truncated in a tag", validDoc[:strings.Index(validDoc, "<offer id=\"O2\"")+10], "document ends inside markup"},
		{"truncated in text", validDoc[:strings.Index(validDoc, "Offer two")+3], "document ends inside <name>"},
		{"unclosed root", strings.TrimSuffix(validDoc, "</yml_catalog>\n"), "document ends inside <yml_catalog>"},
		{"unclosed tag", edit(t, "<name>Offer two</name>", "<name>Offer two"), "end tag </offer> does not match <name>"},
		{"mismatched tag", edit(t, "<name>Offer two</name>", "<name>Offer two</Name>"), "end tag </Name> does not match <name>"},
		{"stray end tag", validDoc + "</x>\n", "end tag </x> without a start tag"},
		{"bare ampersand", edit(t, "Offer &amp; one", "Offer & one"), `"&" that does not start a reference`},
		{"bare ampersand in attribute", edit(t, `productId="P1"`, `productId="P&1"`), `"&" that does not start a reference`},
		{"unknown entity", edit(t, "Offer &amp; one", "Offer&nbsp;one"), "unknown entity &nbsp;"},
		{"control character reference", edit(t, "Offer two", "Offer &#1; two"), "character reference &#1; is not an XML character"},
		{"surrogate reference", edit(t, "Offer two", "&#xD800;"), "character reference &#xD800; is not an XML character"},
		{"huge reference", edit(t, "Offer two", "&#99999999999999999999;"), "is not an XML character"},
		{"uppercase X reference", edit(t, "Offer two", "&#X41F;"), "character reference &#X41F; is not an XML character"},
		{"empty reference", edit(t, "Offer two", "&#;"), "character reference &#; is not an XML character"},
		{"raw control character", edit(t, "Offer two", "Offer \x01 two"), "character U+0001 is not allowed"},
		{"raw U+FFFE", edit(t, "Offer two", "Offer \ufffe two"), "character U+FFFE is not allowed"},
		{"invalid UTF-8", edit(t, "Offer two", "Offer \xff two"), "invalid UTF-8"},
		{"truncated UTF-8", edit(t, "Offer two", "Offer \xd0"), "invalid UTF-8"},
		{"surrogate UTF-8", edit(t, "Offer two", "Offer \xed\xa0\x80"), "invalid UTF-8"},
		{"invalid UTF-8 in attribute", edit(t, `productId="P1"`, "productId=\"P\xc01\""), "invalid UTF-8"},
		{"less-than in attribute", edit(t, `productId="P1"`, `productId="P<1"`), `"<" in an attribute value`},
		{"raw less-than in text", edit(t, "Offer two", "Offer < two"), `' ' cannot start an element name`},
		{"CDATA end in text", edit(t, "Offer two", "Offer ]]> two"), `"]]>" in character data`},
		{"double hyphen in comment", edit(t, "<shop>", "<shop><!-- a -- b -->"), `"--" inside a comment`},
		{"DOCTYPE", edit(t, "<yml_catalog", "<!DOCTYPE yml_catalog><yml_catalog"), "DOCTYPE is not allowed"},
		{"unquoted attribute", edit(t, `id="O1"`, "id=O1"), "value of attribute id is not quoted"},
		{"attribute without value", edit(t, `id="O1"`, "id"), "attribute id has no value"},
		{"attributes without space", edit(t, `id="O1" productId`, `id="O1"productId`), "missing white space before an attribute"},
		{"repeated attribute", edit(t, `id="O1"`, `id="O1" id="O3"`), "attribute id is repeated"},
		{"bad element name", edit(t, "<price>", "<1price>"), `'1' cannot start an element name`},
		{"element after root", validDoc + "<yml_catalog/>", "element <yml_catalog> after the root element"},
		{"text after root", validDoc + "junk", "text outside the root element"},
		{"wrong root", strings.ReplaceAll(validDoc, "yml_catalog", "catalog"), "the root element is <catalog>, not <yml_catalog>"},
		{"no date", edit(t, ` date="2026-11-29 12:00:00"`, ""), "needs a date"},
		{"bad date", edit(t, "2026-11-29 12:00:00", "29.11.2026"), "needs a date"},
		{"undeclared categoryId", edit(t, "<categoryId>G2</categoryId>", "<categoryId>G9</categoryId>"), `offer "O1": categoryId "G9" is not declared`},
		{"categories after offers", strings.Replace(strings.Replace(validDoc, cats, "", 1), offers, "    <offers/>\n"+cats, 1), "<categories> after <offers>"},
		{"category in offers", edit(t, "    <offers>\n", "    <offers>\n<category id=\"G3\">Late</category>"), "element <category> is not allowed in <offers>"},
		{"shop without offers", strings.Replace(validDoc, offers, "", 1), "<shop> without <offers>"},
		{"company after categories", edit(t, "    <company>Company</company>\n", "", "    </categories>\n", "    </categories>\n<company>C</company>"), "<company> repeated or out of order"},
		{"duplicate offer id", edit(t, `<offer id="O2"`, `<offer id="O1"`), `duplicate offer id "O1"`},
		{"duplicate offer id before another fault", edit(t, `<offer id="O2"`, `<offer id="O1"`, "<name>Offer two</name>", "<name>Offer two</name><bad/>"), fmt.Sprintf(`invalid at byte %d: duplicate offer id "O1"`, strings.Index(validDoc, `<offer id="O2"`))},
		{"duplicate offer id by reference", edit(t, `<offer id="O2"`, `<offer id="&#79;1"`), `duplicate offer id "O1"`},
		{"duplicate category id", edit(t, `<category id="G2"`, `<category id="G1"`), `duplicate category id "G1"`},
		{"category without id", edit(t, `<category id="G1">`, "<category>"), "category without an id"},
		{"category without name", edit(t, ">Root<", "><"), `category "G1" has no name`},
		{"offer without categoryId", edit(t, "        <categoryId>G1</categoryId>\n", ""), `offer "O2": no categoryId`},
		{"offer without name", edit(t, "        <name>Offer two</name>\n", ""), `offer "O2": no name`},
		{"offer with empty name", edit(t, "<name>Offer two</name>", "<name></name>"), `offer "O2": empty <name>`},
		{"offer without id", edit(t, `id="O2" `, ""), "offer without an id"},
		{"offer with empty id", edit(t, `id="O2"`, `id=""`), "offer without an id"},
		{"offer without productId", edit(t, `productId="P1" type="service"`, `type="service"`), `offer "O2": no productId`},
		{"bad type", edit(t, `type="service"`, `type="good"`), `type "good" is neither product nor service`},
		{"bad quantity", edit(t, `quantity="16"`, `quantity="1 6"`), `quantity "1 6" is not a decimal number`},
		{"bad price", edit(t, "990.00", "990,00"), `<price> "990,00" is not a decimal number`},
		{"empty price", edit(t, "990.00", ""), `<price> "" is not a decimal number`},
		{"bad dimensions", edit(t, "10/20.5/30", "10x20x30"), `<dimensions> "10x20x30" is not L/W/H`},
		{"bad productActivity", edit(t, "<productActivity>Y", "<productActivity>yes"), `<productActivity> "yes" is neither Y nor N`},
		{"repeated price", edit(t, "<price>990.00</price>", "<price>990.00</price><price>1</price>"), "<price> repeated"},
		{"unknown element", edit(t, "<price>", "<oldprice>1</oldprice><price>"), "element <oldprice> is not allowed in <offer>"},
		{"element in a leaf", edit(t, "Offer two", "Offer <b>two</b>"), "element <b> is not allowed in <name>"},
		{"unknown attribute", edit(t, `type="product"`, `type="product" available="true"`), "attribute available is not allowed in <offer>"},
		{"param without name", edit(t, "<price>", `<param code="c">v</param><price>`), "<param> without a name"},
		{"unit without code", edit(t, `code="pcs" `, ""), "<unit> without a code"},
		{"text in offers", edit(t, "    <offers>\n", "    <offers>\nstray\n"), "text in <offers>"},
		{"text in unit", edit(t, `sym="шт."/>`, `sym="шт.">x</unit>`), "text in <unit>"},
		{"CDATA before root", edit(t, "<yml_catalog", "<![CDATA[ ]]><yml_catalog"), "CDATA section outside the root element"},
		{"bad markup", edit(t, "<shop>", "<!shop>"), `"<!" that starts no comment`},
		{"unterminated comment", edit(t, "</yml_catalog>\n", "</yml_catalog>\n<!-- "), "document ends inside markup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var first string
			for _, chunk := range chunkSizes {
				_, err := validate([]byte(tt.doc), chunk)
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("chunk %d: %v; want an error containing %q", chunk, err, tt.want)
				}
				if first == "" {
					first = err.Error()
				} else if err.Error() != first {
					t.Fatalf("chunk %d: %q; chunk 1 gave %q", chunk, err, first)
				}
			}
		})
	}
}

func TestValidatorByteOffset(t *testing.T) {
	doc := edit(t, "Offer two", "Offer \x01 two")
	_, err := validate([]byte(doc), 7)
	want := fmt.Sprintf("icml: not well-formed at byte %d: character U+0001 is not allowed in XML", strings.Index(doc, "\x01"))
	if err == nil || err.Error() != want {
		t.Fatalf("%v, want %s", err, want)
	}
}

func TestValidatorWriteAfterError(t *testing.T) {
	v := icml.NewValidator(0)
	if _, err := v.Write([]byte("<catalog/>")); err == nil {
		t.Fatal("no error for a document without a declaration")
	}
	if _, err := v.Write([]byte(validDoc)); err == nil {
		t.Fatal("Write after an error returned nil")
	}
	if _, err := v.Close(); err == nil || !strings.Contains(err.Error(), "missing XML declaration") {
		t.Fatalf("Close: %v", err)
	}
	v = icml.NewValidator(0)
	v.Write([]byte(validDoc))
	if _, err := v.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Write([]byte(" ")); err == nil {
		t.Fatal("Write after Close returned nil")
	}
}

// TestValidatorManyOffers grows the offer id set from a hint of 0 and finds duplicates among
// many ids, in the middle of the document and at its end.
func TestValidatorManyOffers(t *testing.T) {
	head, _, _ := strings.Cut(validDoc, "    <offers>")
	head += "    <offers>\n"
	tail := "    </offers>\n  </shop>\n</yml_catalog>\n"
	offer := func(id int) string {
		return fmt.Sprintf("<offer id=\"%d\" productId=\"P\"><categoryId>G1</categoryId><name>N</name></offer>\n", id)
	}
	var b strings.Builder
	b.WriteString(head)
	const n = 20000
	for i := range n {
		b.WriteString(offer(i))
	}
	for _, chunk := range []int{0, 4096} {
		if st, err := validate([]byte(b.String()+tail), chunk); err != nil || st.Offers != n {
			t.Fatalf("%+v, %v", st, err)
		}
	}
	last := b.String() + offer(12345) + tail
	if _, err := validate([]byte(last), 4096); err == nil || !strings.Contains(err.Error(), `duplicate offer id "12345"`) {
		t.Fatalf("duplicate at the end: %v", err)
	}
	var mid strings.Builder
	mid.WriteString(head)
	for i := range 1000 {
		id := i
		if i == 700 {
			id = 3
		}
		mid.WriteString(offer(id))
	}
	doc := mid.String() + "<broken" + tail
	want := fmt.Sprintf("icml: invalid at byte %d: duplicate offer id \"3\"", strings.LastIndex(doc, offer(3)))
	for _, chunk := range chunkSizes {
		if _, err := validate([]byte(doc), chunk); err == nil || err.Error() != want {
			t.Fatalf("chunk %d: %v, want %s", chunk, err, want)
		}
	}
}

func TestValidatorLongToken(t *testing.T) {
	doc := edit(t, "Offer two", strings.Repeat("x", 2<<20))
	if _, err := validate([]byte(doc), 64<<10); err == nil || !strings.Contains(err.Error(), "longer than 1 MiB") {
		t.Fatalf("%v", err)
	}
}
