package sandbox

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// icmlOffer is what the sandbox reads of an ICML <offer>.
type icmlOffer struct {
	ID     string `xml:"id,attr"`
	XMLID  string `xml:"xmlId"`
	Name   string `xml:"name"`
	Params []struct {
		Code  string `xml:"code,attr"`
		Value string `xml:",chardata"`
	} `xml:"param"`
}

// article is the value of the offer's param with code "article", "" when it has none.
func (o *icmlOffer) article() string {
	for _, p := range o.Params {
		if p.Code == "article" {
			return p.Value
		}
	}
	return ""
}

// LoadICML does what RetailCRM does when it downloads the shop's catalog file: it reads the ICML
// document (a stream, one <offer> at a time) and adds every offer it does not know yet, with
// externalId = the offer's id attribute, xmlId = its <xmlId>, its name and article (the param
// with code "article"). A known offer (by externalId, or by xmlId when it has no id) is left as
// it is. It returns the number of offers in the file. A malformed file, or an offer with
// neither id nor xmlId, changes nothing.
func (s *Sandbox) LoadICML(r io.Reader) (int, error) {
	dec := xml.NewDecoder(r)
	var offers []icmlOffer
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("sandbox: ICML: %w", err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok || start.Name.Local != "offer" {
			continue
		}
		var o icmlOffer
		if err := dec.DecodeElement(&o, &start); err != nil {
			return 0, fmt.Errorf("sandbox: ICML offer %d: %w", len(offers)+1, err)
		}
		if o.ID == "" && o.XMLID == "" {
			return 0, fmt.Errorf("sandbox: ICML offer %d has neither id nor xmlId", len(offers)+1)
		}
		offers = append(offers, o)
	}
	add(s, func(a *account) {
		for i := range offers {
			o := &offers[i]
			if a.findOffer(offerKey{ExternalID: o.ID, XMLID: o.XMLID}) == nil {
				a.addOffer(o.ID, o.XMLID, o.Name, o.article())
			}
		}
	})
	return len(offers), nil
}
