package retailcrm

// AccountURL normalises an account URL as a user pastes it ("myshop.retailcrm.ru",
// "https://myshop.retailcrm.ru/api/v5/") into the form the client uses ("https://myshop.retailcrm.ru").
func AccountURL(raw string) (string, error) { return normaliseBaseURL(raw) }
