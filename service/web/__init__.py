"""The HTTP layer every domain shares: the Api subclass, problem responses, base schemas, proxies."""
