"""Entry point of the example spider: crawls nothing, prints what it would do."""
from example_spider.spiders.quotes import QuotesSpider


def main():
    spider = QuotesSpider()
    for url in spider.start_urls:
        print(f"would crawl {url}")


if __name__ == "__main__":
    main()
