// CloudFront Function (cloudfront-js-2.0), viewer request of the site behaviour. Zola writes
// every page as <dir>/index.html: /hilfe/ is served as /hilfe/index.html, /hilfe (no dot in
// the last segment) is redirected to /hilfe/, anything else (/js/x.js) goes unchanged.
//
// The redirect must never leave the origin (issue #19): a Location of //evil.example/x/ or
// /\evil.example/ is another host for browsers. So every path, whatever branch it would
// take, is first checked and answered 400 (no redirect, no rewrite) when
//   - it does not start with exactly one "/" followed by a character other than "/"
//     (//x, ///x; "\" is refused below), or has a raw "?" or "#";
//   - it, or what one to three rounds of percent-decoding make of it (%255c is %5c is \),
//     has a backslash, a control character (0x00-0x1f, 0x7f: tab, CR, LF are removed by
//     browsers), a "." or ".." segment, or a "/" that was encoded (%2f, %252f);
//   - it is still percent-encoded after three rounds.
// Nothing is normalised: no site link has such a path, so a refusal is the honest answer.
// The query is kept in the redirect only as request.rawQueryString() gives it (unparsed;
// event.request.querystring is parsed and AWS does not say how it is encoded) and only when
// it is plain RFC 3986 query text; otherwise the redirect drops it. This file is inlined
// into infra/template.yaml by infra/edge/sync.mjs; see docs/security.md.

var MAX_DECODES = 3;

function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (!isSafePath(uri)) {
    return { statusCode: 400, statusDescription: 'Bad Request' };
  }
  if (uri.endsWith('/')) {
    request.uri = uri + 'index.html';
    return request;
  }
  if (uri.lastIndexOf('.') < uri.lastIndexOf('/')) {
    var query = plainQuery(request);
    return {
      statusCode: 301,
      statusDescription: 'Moved Permanently',
      headers: { location: { value: uri + '/' + (query ? '?' + query : '') } }
    };
  }
  return request;
}

function isSafePath(uri) {
  if (typeof uri !== 'string' || uri.charAt(0) !== '/' || uri.charAt(1) === '/') {
    return false;
  }
  if (/[?#]/.test(uri)) {
    return false;
  }
  var slashes = uri.split('/').length;
  var layer = uri;
  for (var round = 0; ; round++) {
    if (/[\x00-\x1f\x7f\\]/.test(layer) || layer.split('/').length !== slashes) {
      return false;
    }
    var segments = layer.split('/');
    for (var i = 0; i < segments.length; i++) {
      if (segments[i] === '.' || segments[i] === '..') {
        return false;
      }
    }
    var decoded = layer.replace(/%([0-9a-fA-F]{2})/g, function (m, hex) {
      return String.fromCharCode(parseInt(hex, 16));
    });
    if (decoded === layer) {
      return true;
    }
    if (round === MAX_DECODES) {
      return false;
    }
    layer = decoded;
  }
}

function plainQuery(request) {
  if (typeof request.rawQueryString !== 'function') {
    return '';
  }
  var query = request.rawQueryString();
  if (typeof query !== 'string' || !/^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@\/?]|%[0-9A-Fa-f]{2})*$/.test(query)) {
    return '';
  }
  return query;
}
