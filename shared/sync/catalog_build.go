package sync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"unfbridge/shared/blob"
	"unfbridge/shared/catalog"
	"unfbridge/shared/icml"
	"unfbridge/shared/onec"
	"unfbridge/shared/settings"
	"unfbridge/shared/staging"
)

// catalogBuild is one build of the catalog file.
type catalogBuild struct {
	b        *CatalogBuilder
	settings settings.Settings
	state    catalog.State
	snap     staging.Snapshot
	options  string
	force    bool
	journal  *journal
	// published is the new file once it is published.
	published *catalog.Published
	// offer is reused for every offer written.
	offer icml.Offer
}

// indexPrefix starts the keys of offer indexes in the staging bucket.
const indexPrefix = "catalog-index/"

// run builds the file under a temporary key while checking it, then publishes it unless the
// guard refuses. An error is a failure of the bridge; a file that fails its check or is refused
// is an outcome.
func (c *catalogBuild) run(ctx context.Context) (*catalog.Build, error) {
	groups, err := c.readGroups(ctx)
	if err != nil {
		return nil, err
	}
	cats, selected := c.selectCategories(groups)
	key := c.b.Prefix + c.settings.Catalog.ObjectKey
	tmp := blob.TempKey(key)
	indexKey := indexPrefix + c.snap.ID + "-" + newID()
	file := startUpload(ctx, c.b.Public, tmp, "application/xml; charset=utf-8")
	index := startUpload(ctx, c.b.Staged, indexKey, blob.DefaultContentType)
	check := icml.NewValidator(c.snap.Offers)
	w := icml.NewWriter(io.MultiWriter(file, check), icml.Shop{Name: c.shopName(),
		Company: cmp.Or(refName(c.settings.Connection.Organization), c.shopName()), Date: c.b.Now()})
	iw := catalog.NewIndexWriter(index)
	products, werr := c.write(ctx, w, iw, cats, selected)
	werr = errors.Join(werr, w.Close(), iw.Close())
	err = errors.Join(file.finish(werr), index.finish(werr))
	stats, verr := check.Close()
	discard := func() {
		cleanup := context.WithoutCancel(ctx)
		_ = c.b.Public.Delete(cleanup, tmp)
		_ = c.b.Staged.Delete(cleanup, indexKey)
	}
	if err != nil {
		discard()
		return nil, err
	}
	if problem := c.mismatch(stats, verr, w, products, len(cats)); problem != "" {
		discard()
		return c.finish(catalog.OutcomeFailed, problem), nil
	}
	if refusal := shrinkRefusal(c.state.Published, stats.Offers, c.settings.Catalog.MaxShrinkPercent); refusal != "" && !c.force {
		discard()
		return c.finish(catalog.OutcomeRefused, refusal, stats.Offers, stats.Categories), nil
	}
	if err := c.b.Public.Move(ctx, tmp, key); err != nil {
		discard()
		return nil, err
	}
	c.published = &catalog.Published{SnapshotID: c.snap.ID, At: c.b.Now().UTC(), Offers: stats.Offers,
		Categories: stats.Categories, Bytes: stats.Bytes, Key: key, Index: indexKey, Options: c.options}
	if prev := c.state.Published; prev != nil && prev.Index != indexKey {
		_ = c.b.Staged.Delete(context.WithoutCancel(ctx), prev.Index)
	}
	c.journal.count("offers", stats.Offers)
	c.journal.count("categories", stats.Categories)
	return c.finish(catalog.OutcomePublished, fmt.Sprintf("Файл каталога опубликован: торговых предложений %d, категорий %d. Ссылка для RetailCRM: %s",
		stats.Offers, stats.Categories, c.b.URL(c.settings.Catalog.ObjectKey)), stats.Offers, stats.Categories), nil
}

// mismatch explains why a written file may not be published: it failed the check, or its counts
// disagree with what was written and with the snapshot. It returns "" for a sound file.
func (c *catalogBuild) mismatch(stats icml.Stats, verr error, w *icml.Writer, products, categories int) string {
	const prefix = "Файл каталога не опубликован: он не прошёл проверку; предыдущий файл остаётся опубликованным. "
	switch {
	case verr != nil:
		return prefix + "Ошибка: " + verr.Error()
	case stats.Offers != w.Offers() || stats.Categories != w.Categories() || stats.Categories != categories:
		return prefix + fmt.Sprintf("В файле %d предложений и %d категорий, записано %d и %d.", stats.Offers, stats.Categories, w.Offers(), w.Categories())
	case products != c.snap.Items:
		return prefix + fmt.Sprintf("Прочитано товаров %d, в выгрузке из 1С их %d.", products, c.snap.Items)
	}
	return ""
}

// finish is the outcome of the build with a message for the user, and the counts of the file
// (offers, categories) when one was written.
func (c *catalogBuild) finish(outcome, message string, counts ...int) *catalog.Build {
	c.journal.note(message)
	o := &catalog.Build{Outcome: outcome, SnapshotID: c.snap.ID, Start: c.journal.log.Start, End: c.b.Now().UTC(),
		Message: message, Forced: c.force, Options: c.options}
	if len(counts) == 2 {
		o.Offers, o.Categories = counts[0], counts[1]
	}
	return o
}

// record stores the outcome: the last build, the published file, and the request it answered
// consumed (a request made during the build stays).
func (c *catalogBuild) record(outcome *catalog.Build) func(*catalog.State) {
	return func(s *catalog.State) {
		s.Last = outcome
		if c.published != nil {
			s.Published = c.published
		}
		if s.Request != nil && c.state.Request != nil && s.Request.At.Equal(c.state.Request.At) {
			s.Request = nil
		}
	}
}

// shopName names the shop in the file: the RetailCRM site code, else the organization.
func (c *catalogBuild) shopName() string {
	return cmp.Or(c.settings.Connection.SiteCode, refName(c.settings.Connection.Organization), "1С")
}

// readGroups reads the groups of every page of the snapshot.
func (c *catalogBuild) readGroups(ctx context.Context) (map[string]onec.CatalogGroup, error) {
	groups := map[string]onec.CatalogGroup{}
	err := c.eachPage(ctx, func(r *staging.CatalogReader) error {
		for _, g := range r.Groups() {
			groups[g.Ref] = g
		}
		return nil
	})
	return groups, err
}

// eachPage opens every page of the snapshot in turn for fn.
func (c *catalogBuild) eachPage(ctx context.Context, fn func(*staging.CatalogReader) error) error {
	for page := 1; page <= c.snap.Pages; page++ {
		rc, err := c.b.Staging.Open(ctx, c.snap, page)
		if err != nil {
			return err
		}
		r, err := staging.NewCatalogReader(rc)
		if err == nil {
			err = fn(r)
		}
		rc.Close()
		if err != nil {
			return fmt.Errorf("catalog page %d of snapshot %s: %w", page, c.snap.ID, err)
		}
	}
	return nil
}

// selectCategories returns the categories of the file, parents before children and siblings by
// name, and the set of their refs: the chosen groups with all their subgroups, or every group when
// none is chosen. A chosen group missing from the snapshot is reported.
func (c *catalogBuild) selectCategories(groups map[string]onec.CatalogGroup) ([]icml.Category, map[string]bool) {
	children := map[string][]onec.CatalogGroup{}
	for _, g := range groups {
		parent := g.Parent
		if _, ok := groups[parent]; !ok {
			parent = ""
		}
		children[parent] = append(children[parent], g)
	}
	for _, list := range children {
		slices.SortFunc(list, func(a, b onec.CatalogGroup) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.Ref, b.Ref))
		})
	}
	roots := children[""]
	if chosen := c.settings.Catalog.Groups; len(chosen) > 0 {
		roots = nil
		for _, ref := range chosen {
			g, ok := groups[ref.Ref]
			if !ok {
				c.journal.note(fmt.Sprintf("Группа «%s» из настроек каталога отсутствует в выгрузке из 1С.", ref.Name))
				continue
			}
			roots = append(roots, g)
		}
	}
	selected := map[string]bool{}
	var cats []icml.Category
	queue := roots
	for len(queue) > 0 {
		g := queue[0]
		queue = queue[1:]
		if selected[g.Ref] {
			continue
		}
		parent := ""
		if selected[g.Parent] {
			parent = g.Parent
		}
		selected[g.Ref] = true
		cats = append(cats, icml.Category{ID: g.Ref, ParentID: parent, Name: g.Name})
		queue = append(queue, children[g.Ref]...)
	}
	return cats, selected
}

// write writes the categories, then the offers of every product of a selected group, and the
// offer index; it returns the number of products read.
func (c *catalogBuild) write(ctx context.Context, w *icml.Writer, iw *catalog.IndexWriter, cats []icml.Category, selected map[string]bool) (int, error) {
	for _, cat := range cats {
		if err := w.Category(cat); err != nil {
			return 0, err
		}
	}
	products := 0
	err := c.eachPage(ctx, func(r *staging.CatalogReader) error {
		for {
			p, err := r.Next()
			if errors.Is(err, io.EOF) {
				return ctx.Err()
			}
			if err != nil {
				return err
			}
			products++
			if !selected[p.Group] {
				continue
			}
			if err := c.writeProduct(w, iw, p); err != nil {
				return err
			}
		}
	})
	return products, err
}

// articleParam is the name and code of the article among an offer's params.
const articleParam = "Артикул"

// writeProduct writes the offers of one product: one per characteristic when characteristics
// are on and it has some, else one for the product.
func (c *catalogBuild) writeProduct(w *icml.Writer, iw *catalog.IndexWriter, p *onec.Product) error {
	o := &c.offer
	c.fillProduct(p)
	if !c.settings.Catalog.Characteristics || len(p.Characteristics) == 0 {
		id := productIdentifier(p, c.settings.Catalog.ProductID)
		if id == "" {
			c.journal.note(fmt.Sprintf("Товары без значения идентификатора «%s» не выгружены в каталог, например «%s».",
				productIDNames[c.settings.Catalog.ProductID], p.Name))
			return nil
		}
		o.ID, o.ProductID, o.XMLID, o.Name = id, id, id, p.Name
		o.Price, o.PurchasePrice = c.prices(p.Prices)
		o.Quantity = c.quantity(p, p.Quantity)
		o.Params = appendParams(o.Params[:0], p.Article, p.Params)
		o.Barcodes = p.Barcodes
		return c.writeOffer(w, iw, catalog.OfferRef{Product: p.Ref}, p.Service)
	}
	for i := range p.Characteristics {
		ch := &p.Characteristics[i]
		if ch.Deleted {
			continue
		}
		id := p.Ref + "#" + ch.Ref
		o.ID, o.ProductID, o.XMLID, o.Name = id, p.Ref, id, p.Name+" ("+ch.Name+")"
		o.Price, o.PurchasePrice = c.prices(orElse(ch.Prices, p.Prices))
		o.Quantity = c.quantity(p, ch.Quantity)
		o.Params = appendParams(o.Params[:0], cmp.Or(ch.Article, p.Article), p.Params, ch.Params...)
		o.Barcodes = orElse(ch.Barcodes, p.Barcodes)
		if err := c.writeOffer(w, iw, catalog.OfferRef{Product: p.Ref, Characteristic: ch.Ref}, p.Service); err != nil {
			return err
		}
	}
	return nil
}

// writeOffer writes the offer and its index record. An offer the writer refuses for its content
// (e.g. a name of nothing but characters XML does not allow) is left out and reported.
func (c *catalogBuild) writeOffer(w *icml.Writer, iw *catalog.IndexWriter, ref catalog.OfferRef, service bool) error {
	err := w.Offer(&c.offer)
	if errors.Is(err, icml.ErrInvalidOffer) {
		c.journal.note(fmt.Sprintf("Торговое предложение %q не выгружено в каталог: данные не прошли проверку (%v).", c.offer.ID, err))
		return nil
	}
	if err != nil {
		return err
	}
	return iw.Add(ref, catalog.IndexEntry{Key: c.offer.ID, Service: service})
}

// fillProduct sets the fields every offer of p shares. Dimensions are written only when all
// three are known.
func (c *catalogBuild) fillProduct(p *onec.Product) {
	o := &c.offer
	o.CategoryIDs = append(o.CategoryIDs[:0], p.Group)
	o.ProductName = p.Name
	o.Service = p.Service
	o.URL, o.Pictures, o.Vendor = p.URL, p.Pictures, p.Vendor
	o.Unit = nil
	if p.Unit != nil {
		o.Unit = &icml.Unit{Code: p.Unit.Code, Name: p.Unit.Name, Sym: p.Unit.Sym}
	}
	o.VATRate = cmp.Or(p.VATRate, "none")
	o.Weight = p.Weight
	o.Dimensions = nil
	if d := p.Dimensions; d != nil && d.Length != "" && d.Width != "" && d.Height != "" {
		o.Dimensions = &icml.Dimensions{Length: d.Length, Width: d.Width, Height: d.Height}
	}
	o.Inactive, o.Markable = p.Deleted, p.Markable
}

// prices picks the retail price (ЦенаПродажи) and purchase price (ЗакупочнаяЦена) from prices.
func (c *catalogBuild) prices(prices []onec.Price) (price, purchase string) {
	sale, buy := refGUID(c.settings.Connection.SalePriceKind), refGUID(c.settings.Connection.PurchasePriceKind)
	for _, p := range prices {
		switch p.PriceKind {
		case sale:
			price = p.Price
		case buy:
			purchase = p.Price
		}
	}
	return price, purchase
}

// quantity is the stock of an offer in the file: none for a service, negative stock as 0.
func (c *catalogBuild) quantity(p *onec.Product, q string) string {
	switch {
	case p.Service:
		return ""
	case len(q) > 0 && q[0] == '-':
		return "0"
	}
	return q
}

// appendParams appends the article (when set) and the given params, as offer params, to dst.
func appendParams(dst []icml.Param, article string, params []onec.Param, more ...onec.Param) []icml.Param {
	if article != "" {
		dst = append(dst, icml.Param{Name: articleParam, Code: "article", Value: article})
	}
	for _, list := range [][]onec.Param{params, more} {
		for _, p := range list {
			dst = append(dst, icml.Param{Name: p.Name, Code: p.Code, Value: p.Value})
		}
	}
	return dst
}

// productIDNames names the product identifiers for the user.
var productIDNames = map[string]string{settings.ProductIDCode: "Код", settings.ProductIDArticle: "Артикул", settings.ProductIDGUID: "GUID"}

// productIdentifier is the product's identifier chosen in the settings: its code, article or GUID.
func productIdentifier(p *onec.Product, by string) string {
	switch by {
	case settings.ProductIDCode:
		return p.Code
	case settings.ProductIDArticle:
		return p.Article
	}
	return p.Ref
}

// orElse is list, or fallback when list is empty.
func orElse[T any](list, fallback []T) []T {
	if len(list) == 0 {
		return fallback
	}
	return list
}

// refGUID is the GUID of a reference, "" for none.
func refGUID(r *onec.Ref) string {
	if r == nil {
		return ""
	}
	return r.Ref
}

// refName is the name of a reference, "" for none.
func refName(r *onec.Ref) string {
	if r == nil {
		return ""
	}
	return r.Name
}

// upload streams what is written to it into an object, through a pipe.
type upload struct {
	pw   *io.PipeWriter
	done chan error
}

// startUpload starts putting an object at key in s from what the returned upload is written.
func startUpload(ctx context.Context, s blob.Store, key, contentType string) *upload {
	pr, pw := io.Pipe()
	u := &upload{pw: pw, done: make(chan error, 1)}
	go func() {
		err := s.Put(ctx, key, pr, blob.PutOptions{ContentType: contentType})
		pr.CloseWithError(cmp.Or(err, io.ErrClosedPipe))
		u.done <- err
	}()
	return u
}

func (u *upload) Write(p []byte) (int, error) { return u.pw.Write(p) }

// finish ends the object after the writer's outcome werr: the object is complete when werr is
// nil, else the put fails and leaves nothing. It returns the put's error.
func (u *upload) finish(werr error) error {
	if werr != nil {
		u.pw.CloseWithError(werr)
	} else {
		u.pw.Close()
	}
	return <-u.done
}
