package onec_test

import (
	"reflect"
	"strings"
	"testing"

	"unfbridge/shared/onec"
	"unfbridge/shared/onec/onectest"
)

const sampleSnapshot = "9b2f6c1e-3d4a-4b5c-8d7e-0f1a2b3c4d5e"

func TestPagesValidAndNormalised(t *testing.T) {
	catalog := onectest.CatalogPage(sampleSnapshot, 2, 3, 7, onectest.As1C)
	if problems := catalog.Validate(); problems != nil {
		t.Fatalf("catalog: %v", problems)
	}
	if want := onectest.CatalogPage(sampleSnapshot, 2, 3, 7, onectest.Canonical); !reflect.DeepEqual(catalog, want) {
		t.Fatalf("catalog not normalised:\n got %+v\nwant %+v", catalog, want)
	}
	stock := onectest.StockPage(sampleSnapshot, 1, 1, 9, onectest.As1C)
	if problems := stock.Validate(); problems != nil {
		t.Fatalf("stock: %v", problems)
	}
	if want := onectest.StockPage(sampleSnapshot, 1, 1, 9, onectest.Canonical); !reflect.DeepEqual(stock, want) {
		t.Fatalf("stock not normalised:\n got %+v\nwant %+v", stock, want)
	}
	prices := onectest.PricesPage(sampleSnapshot, 3, 3, 9, onectest.As1C)
	if problems := prices.Validate(); problems != nil {
		t.Fatalf("prices: %v", problems)
	}
	if want := onectest.PricesPage(sampleSnapshot, 3, 3, 9, onectest.Canonical); !reflect.DeepEqual(prices, want) {
		t.Fatalf("prices not normalised:\n got %+v\nwant %+v", prices, want)
	}
}

// TestAs1CReallyDiffers guards the test above: the 1C style must differ from the canonical one.
func TestAs1CReallyDiffers(t *testing.T) {
	sent := onectest.CatalogPage(sampleSnapshot, 1, 1, 3, onectest.As1C)
	if got := sent.Products[0].Prices[0].Price; got != "1\u00a0200,50" {
		t.Fatalf("1C price %q", got)
	}
	if got := sent.Products[0].Ref; got != strings.ToUpper(got) {
		t.Fatalf("1C ref %q", got)
	}
}

// wantProblem checks that problems are exactly one, on field, saying msg.
func wantProblem(t *testing.T, problems []onec.FieldProblem, field, msg string) {
	t.Helper()
	if len(problems) != 1 || problems[0].Field != field || !strings.Contains(problems[0].Message, msg) {
		t.Fatalf("problems = %v, want one on %s saying %q", problems, field, msg)
	}
}

func TestCatalogPageProblems(t *testing.T) {
	many := func(n int) []string { return make([]string, n) }
	tests := []struct {
		name   string
		change func(*onec.CatalogPage)
		field  string
		msg    string
	}{
		{"bad snapshotId", func(p *onec.CatalogPage) { p.SnapshotID = "выгрузка-1" }, "snapshotId", "Ожидается GUID"},
		{"no snapshotId", func(p *onec.CatalogPage) { p.SnapshotID = "" }, "snapshotId", "Поле обязательно"},
		{"page 0", func(p *onec.CatalogPage) { p.Page = 0 }, "page", "от 1 до числа страниц"},
		{"page after pages", func(p *onec.CatalogPage) { p.Page = 4 }, "page", "от 1 до числа страниц"},
		{"no pages", func(p *onec.CatalogPage) { p.Pages = 0 }, "pages", "от 1 до 10000"},
		{"too many pages", func(p *onec.CatalogPage) { p.Pages, p.Page = 10001, 1 }, "pages", "от 1 до 10000"},
		{"not full", func(p *onec.CatalogPage) { p.Full = false },
			"full", "Принимаются только полные выгрузки (full = true): 1С должна выгружать все опубликованные данные."},
		{"group without name", func(p *onec.CatalogPage) { p.Groups[1].Name = " " }, "groups[1].name", "Поле обязательно"},
		{"group zero parent", func(p *onec.CatalogPage) { p.Groups[1].Parent = "00000000-0000-0000-0000-000000000000" }, "groups[1].parent", "null"},
		{"repeated group", func(p *onec.CatalogPage) { p.Groups[1].Ref = strings.ToUpper(p.Groups[0].Ref) }, "groups[1].ref", "уже есть в groups[0]"},
		{"too many groups", func(p *onec.CatalogPage) { p.Groups = make([]onec.CatalogGroup, 5001) }, "groups", "не больше 5000"},
		{"too many products", func(p *onec.CatalogPage) { p.Products = make([]onec.Product, 20001) }, "products", "не больше 20000"},
		{"product without ref", func(p *onec.CatalogPage) { p.Products[2].Ref = "" }, "products[2].ref", "Поле обязательно"},
		{"repeated product", func(p *onec.CatalogPage) { p.Products[3].Ref = p.Products[1].Ref }, "products[3].ref", "уже есть в products[1]"},
		{"long name", func(p *onec.CatalogPage) { p.Products[0].Name = strings.Repeat("я", 1001) }, "products[0].name", "длиннее 1000"},
		{"long code", func(p *onec.CatalogPage) { p.Products[0].Code = strings.Repeat("1", 101) }, "products[0].code", "длиннее 100"},
		{"long article", func(p *onec.CatalogPage) { p.Products[1].Article = strings.Repeat("A", 101) }, "products[1].article", "длиннее 100"},
		{"bad group", func(p *onec.CatalogPage) { p.Products[0].Group = "Посуда" }, "products[0].group", "Ожидается GUID"},
		{"unit without code", func(p *onec.CatalogPage) { p.Products[0].Unit.Code = "" }, "products[0].unit.code", "Поле обязательно"},
		{"long unit symbol", func(p *onec.CatalogPage) { p.Products[0].Unit.Sym = strings.Repeat("ш", 101) }, "products[0].unit.sym", "длиннее 100"},
		{"fractional VAT", func(p *onec.CatalogPage) { p.Products[0].VATRate = "18,5" }, "products[0].vatRate", "целым числом"},
		{"VAT over 100", func(p *onec.CatalogPage) { p.Products[0].VATRate = "120" }, "products[0].vatRate", "от 0 до 100"},
		{"VAT with percent", func(p *onec.CatalogPage) { p.Products[0].VATRate = "20%" }, "products[0].vatRate", "без НДС — null"},
		{"negative weight", func(p *onec.CatalogPage) { p.Products[1].Weight = "-1,5" }, "products[1].weight", "не может быть отрицательным"},
		{"weight not a number", func(p *onec.CatalogPage) { p.Products[1].Weight = "1,5 кг" }, "products[1].weight", "Ожидается число"},
		{"bad dimension", func(p *onec.CatalogPage) { p.Products[0].Dimensions.Height = "1e3" }, "products[0].dimensions.height", "Ожидается число"},
		{"empty barcode", func(p *onec.CatalogPage) { p.Products[0].Barcodes[1] = "" }, "products[0].barcodes[1]", "Поле обязательно"},
		{"too many barcodes", func(p *onec.CatalogPage) { p.Products[0].Barcodes = many(101) }, "products[0].barcodes", "не больше 100"},
		{"too many pictures", func(p *onec.CatalogPage) { p.Products[0].Pictures = many(101) }, "products[0].pictures", "не больше 100"},
		{"relative picture", func(p *onec.CatalogPage) { p.Products[0].Pictures[0] = "/img/1.jpg" }, "products[0].pictures[0]", "https://"},
		{"ftp url", func(p *onec.CatalogPage) { p.Products[2].URL = "ftp://shop.example.ru/p" }, "products[2].url", "https://"},
		{"param without name", func(p *onec.CatalogPage) { p.Products[0].Params[1].Name = "" }, "products[0].params[1].name", "Поле обязательно"},
		{"long param value", func(p *onec.CatalogPage) { p.Products[0].Params[0].Value = strings.Repeat("з", 4001) }, "products[0].params[0].value", "длиннее 4000"},
		{"too many params", func(p *onec.CatalogPage) { p.Products[0].Params = make([]onec.Param, 101) }, "products[0].params", "не больше 100"},
		{"price missing", func(p *onec.CatalogPage) { p.Products[0].Prices[1].Price = "" }, "products[0].prices[1].price", "Поле обязательно"},
		{"price with two commas", func(p *onec.CatalogPage) { p.Products[0].Prices[1].Price = "1,2,3" }, "products[0].prices[1].price", "Ожидается число"},
		{"price kind repeated", func(p *onec.CatalogPage) { p.Products[0].Prices[1].PriceKind = p.Products[0].Prices[0].PriceKind }, "products[0].prices[1].priceKind", "уже есть в prices[0]"},
		{"quantity not a number", func(p *onec.CatalogPage) { p.Products[2].Quantity = "много" }, "products[2].quantity", "Ожидается число"},
		{"characteristic price", func(p *onec.CatalogPage) { p.Products[3].Characteristics[1].Prices[0].Price = "9.9.9" },
			"products[3].characteristics[1].prices[0].price", "Ожидается число"},
		{"characteristic without name", func(p *onec.CatalogPage) { p.Products[0].Characteristics[2].Name = "" }, "products[0].characteristics[2].name", "Поле обязательно"},
		{"repeated characteristic", func(p *onec.CatalogPage) { p.Products[0].Characteristics[2].Ref = p.Products[0].Characteristics[0].Ref },
			"products[0].characteristics[2].ref", "уже есть в characteristics[0]"},
		{"characteristic barcode too long", func(p *onec.CatalogPage) { p.Products[0].Characteristics[1].Barcodes[0] = strings.Repeat("4", 101) },
			"products[0].characteristics[1].barcodes[0]", "длиннее 100"},
		{"too many characteristics", func(p *onec.CatalogPage) { p.Products[0].Characteristics = make([]onec.Characteristic, 1001) }, "products[0].characteristics", "не больше 1000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := onectest.CatalogPage(sampleSnapshot, 2, 3, 6, onectest.As1C)
			tc.change(&p)
			wantProblem(t, p.Validate(), tc.field, tc.msg)
		})
	}
}

func TestStockPageProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(*onec.StockPage)
		field  string
		msg    string
	}{
		{"not full", func(p *onec.StockPage) { p.Full = false }, "full", "full = true"},
		{"no product", func(p *onec.StockPage) { p.Rows[1].Product = "" }, "rows[1].product", "Поле обязательно"},
		{"zero characteristic", func(p *onec.StockPage) { p.Rows[1].Characteristic = "00000000-0000-0000-0000-000000000000" }, "rows[1].characteristic", "null"},
		{"no warehouse", func(p *onec.StockPage) { p.Rows[2].Warehouse = "" }, "rows[2].warehouse", "Поле обязательно"},
		{"bad quantity", func(p *onec.StockPage) { p.Rows[0].Quantity = "1/2" }, "rows[0].quantity", "Ожидается число"},
		{"bad reserved", func(p *onec.StockPage) { p.Rows[3].Reserved = "--1" }, "rows[3].reserved", "Ожидается число"},
		{"repeated row", func(p *onec.StockPage) { p.Rows[3] = p.Rows[1] }, "rows[3]", "уже есть в rows[1]"},
		{"too many rows", func(p *onec.StockPage) { p.Rows = make([]onec.StockRow, 50001) }, "rows", "не больше 50000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := onectest.StockPage(sampleSnapshot, 1, 2, 4, onectest.As1C)
			tc.change(&p)
			wantProblem(t, p.Validate(), tc.field, tc.msg)
		})
	}
}

func TestPricesPageProblems(t *testing.T) {
	tests := []struct {
		name   string
		change func(*onec.PricesPage)
		field  string
		msg    string
	}{
		{"page after pages", func(p *onec.PricesPage) { p.Page = 3 }, "page", "от 1 до числа страниц"},
		{"no price kind", func(p *onec.PricesPage) { p.Rows[0].PriceKind = "" }, "rows[0].priceKind", "Поле обязательно"},
		{"no price", func(p *onec.PricesPage) { p.Rows[1].Price = "  " }, "rows[1].price", "Поле обязательно"},
		{"bad price", func(p *onec.PricesPage) { p.Rows[2].Price = "1.234,50" }, "rows[2].price", "Ожидается число"},
		{"repeated row", func(p *onec.PricesPage) { p.Rows[2] = p.Rows[0]; p.Rows[2].Price = "1" }, "rows[2]", "уже есть в rows[0]"},
		{"too many rows", func(p *onec.PricesPage) { p.Rows = make([]onec.PriceRow, 50001) }, "rows", "не больше 50000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := onectest.PricesPage(sampleSnapshot, 2, 2, 3, onectest.As1C)
			tc.change(&p)
			wantProblem(t, p.Validate(), tc.field, tc.msg)
		})
	}
}

func TestVATRateNormalised(t *testing.T) {
	valid := map[string]string{" ": "", "20": "20", "20,00": "20", " 10 ": "10", "0": "0", "0.0": "0", "-0": "0", "100": "100", "022": "22", "": ""}
	for in, want := range valid {
		p := onectest.CatalogPage(sampleSnapshot, 1, 1, 1, onectest.Canonical)
		p.Products[0].VATRate = in
		if problems := p.Validate(); problems != nil || p.Products[0].VATRate != want {
			t.Errorf("vatRate %q: %q, %v; want %q", in, p.Products[0].VATRate, problems, want)
		}
	}
	for _, in := range []string{"101", "-1", "20.5", "НДС20", "без НДС", "1e1"} {
		p := onectest.CatalogPage(sampleSnapshot, 1, 1, 1, onectest.Canonical)
		p.Products[0].VATRate = in
		wantProblem(t, p.Validate(), "products[0].vatRate", "целым числом процентов")
	}
}

func TestOptionalNumbersMayBeBlank(t *testing.T) {
	p := onectest.StockPage(sampleSnapshot, 1, 1, 1, onectest.Canonical)
	p.Rows[0].Quantity, p.Rows[0].Reserved = " ", "\u00a0"
	if problems := p.Validate(); problems != nil {
		t.Fatal(problems)
	}
	if p.Rows[0].Quantity != "" || p.Rows[0].Reserved != "" {
		t.Fatalf("quantity %q, reserved %q", p.Rows[0].Quantity, p.Rows[0].Reserved)
	}
}

func TestPageProblemsAreCapped(t *testing.T) {
	p := onectest.PricesPage(sampleSnapshot, 1, 1, 80, onectest.Canonical)
	for i := range p.Rows {
		p.Rows[i].Price = "x"
	}
	problems := p.Validate()
	if len(problems) != onec.MaxProblems+1 || !strings.Contains(problems[onec.MaxProblems].Message, "ещё не показано: 30") {
		t.Fatalf("%d problems, last %+v", len(problems), problems[len(problems)-1])
	}
}
