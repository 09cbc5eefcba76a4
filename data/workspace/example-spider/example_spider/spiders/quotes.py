class QuotesSpider:
    name = "quotes"
    start_urls = ["https://quotes.example/page/1", "https://quotes.example/page/2"]

    def parse(self, response):
        for quote in response.get("quotes", []):
            yield {"text": quote["text"], "author": quote["author"]}
