//! A browser as far as the API cares: same-origin requests with `Origin`, JSON bodies, and a
//! cookie jar that honours `Max-Age=0`.

use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
    pub json: serde_json::Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The fields a validation error names, in order.
    pub fn fields(&self) -> Vec<String> {
        self.json["error"]["fields"]
            .as_array()
            .map(|list| {
                list.iter()
                    .filter_map(|f| f["field"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect()
    }

    /// The error code of an error reply.
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or("")
    }

    pub fn field(&self) -> &str {
        self.json["error"]["field"].as_str().unwrap_or("")
    }
}

#[derive(Clone)]
pub struct Browser {
    pub base_url: String,
    pub cookies: BTreeMap<String, String>,
    pub lang: &'static str,
    pub forwarded_for: Option<String>,
    client: reqwest::Client,
}

impl Browser {
    pub fn new(base_url: &str) -> Self {
        Browser {
            base_url: base_url.to_string(),
            cookies: BTreeMap::new(),
            lang: "de",
            forwarded_for: None,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// A request with the browser's Origin, language and cookies; `customize` may change it.
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.base_url))
            .header("accept-language", self.lang);
        if method != reqwest::Method::GET && method != reqwest::Method::HEAD {
            req = req.header("origin", &self.base_url);
        }
        if !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            req = req.header("cookie", header.join("; "));
        }
        if let Some(ip) = &self.forwarded_for {
            req = req.header("x-forwarded-for", ip);
        }
        req
    }

    pub async fn send(&mut self, req: reqwest::RequestBuilder) -> Reply {
        let response = req.send().await.expect("request reaches the gateway");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
        let reply = Reply {
            status,
            headers,
            text,
            json,
        };
        for set_cookie in reply.set_cookies() {
            let pair = set_cookie.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                if set_cookie.contains("Max-Age=0") || value.is_empty() {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_string(), value.to_string());
                }
            }
        }
        reply
    }

    pub async fn post(&mut self, path: &str, body: &serde_json::Value) -> Reply {
        self.send_json(reqwest::Method::POST, path, body).await
    }

    pub async fn put(&mut self, path: &str, body: &serde_json::Value) -> Reply {
        self.send_json(reqwest::Method::PUT, path, body).await
    }

    pub async fn send_json(
        &mut self,
        method: reqwest::Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Reply {
        let req = self
            .request(method, path)
            .header("content-type", "application/json")
            .body(body.to_string());
        self.send(req).await
    }

    pub async fn get(&mut self, path: &str) -> Reply {
        let req = self.request(reqwest::Method::GET, path);
        self.send(req).await
    }

    pub async fn delete(&mut self, path: &str) -> Reply {
        let req = self.request(reqwest::Method::DELETE, path);
        self.send(req).await
    }
}
