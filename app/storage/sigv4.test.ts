import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalQuery, canonicalRequest, canonicalUri, EMPTY_PAYLOAD_SHA256, parseAuthorization, signRequest, toAmzDate, uriEncode } from "./sigv4";

// AWS's documented example "GET Object" (Amazon S3 API reference,
// "Signature Calculations for the Authorization Header: Transferring Payload
// in a Single Chunk"): the example credentials, bucket and date, a Range
// header, and the signature AWS publishes for them.
const AWS_EXAMPLE = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  url: new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
  date: new Date("2013-05-24T00:00:00Z"),
  signature: "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
};

function signExample(secretAccessKey = AWS_EXAMPLE.secretAccessKey) {
  return signRequest({
    method: "GET",
    url: AWS_EXAMPLE.url,
    headers: { Range: "bytes=0-9" },
    payloadHash: EMPTY_PAYLOAD_SHA256,
    credentials: { accessKeyId: AWS_EXAMPLE.accessKeyId, secretAccessKey },
    scope: { region: "us-east-1", service: "s3" },
    date: AWS_EXAMPLE.date,
  });
}

describe("signRequest against AWS's published GET /test.txt example", () => {
  it("produces AWS's canonical request, string to sign and signature", () => {
    const signed = signExample();
    expect(signed.canonicalRequest).toBe(
      [
        "GET",
        "/test.txt",
        "",
        "host:examplebucket.s3.amazonaws.com",
        "range:bytes=0-9",
        `x-amz-content-sha256:${EMPTY_PAYLOAD_SHA256}`,
        "x-amz-date:20130524T000000Z",
        "",
        "host;range;x-amz-content-sha256;x-amz-date",
        EMPTY_PAYLOAD_SHA256,
      ].join("\n"),
    );
    expect(signed.stringToSign).toBe(
      ["AWS4-HMAC-SHA256", "20130524T000000Z", "20130524/us-east-1/s3/aws4_request", "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"].join("\n"),
    );
    expect(signed.signature).toBe(AWS_EXAMPLE.signature);
    expect(signed.headers.authorization).toBe(
      `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=${AWS_EXAMPLE.signature}`,
    );
  });

  it("matches a step-by-step reference computation written out in the test", () => {
    const signed = signExample();
    const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
    const key = hmac(hmac(hmac(hmac("AWS4" + AWS_EXAMPLE.secretAccessKey, "20130524"), "us-east-1"), "s3"), "aws4_request");
    const toSign = `AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n${createHash("sha256").update(signed.canonicalRequest).digest("hex")}`;
    expect(createHmac("sha256", key).update(toSign).digest("hex")).toBe(signed.signature);
  });

  it("changes the signature when the secret, a signed header or the payload hash changes", () => {
    expect(signExample("wrong-secret").signature).not.toBe(AWS_EXAMPLE.signature);
    const otherRange = signRequest({ ...exampleInput(), headers: { Range: "bytes=0-10" } });
    expect(otherRange.signature).not.toBe(AWS_EXAMPLE.signature);
    const otherPayload = signRequest({ ...exampleInput(), payloadHash: createHash("sha256").update("x").digest("hex") });
    expect(otherPayload.signature).not.toBe(AWS_EXAMPLE.signature);
  });
});

function exampleInput() {
  return {
    method: "GET",
    url: AWS_EXAMPLE.url,
    headers: { Range: "bytes=0-9" },
    payloadHash: EMPTY_PAYLOAD_SHA256,
    credentials: { accessKeyId: AWS_EXAMPLE.accessKeyId, secretAccessKey: AWS_EXAMPLE.secretAccessKey },
    scope: { region: "us-east-1", service: "s3" },
    date: AWS_EXAMPLE.date,
  };
}

describe("canonical request pieces", () => {
  it("formats x-amz-date without separators or milliseconds", () => {
    expect(toAmzDate(new Date("2024-02-29T13:04:05.678Z"))).toBe("20240229T130405Z");
  });

  it("percent-encodes everything but unreserved characters, in upper-case hex, UTF-8", () => {
    expect(uriEncode("a-b_c.d~e")).toBe("a-b_c.d~e");
    expect(uriEncode("a b+c*d/e=f'g!(h)")).toBe("a%20b%2Bc%2Ad%2Fe%3Df%27g%21%28h%29");
    expect(uriEncode("a/b", false)).toBe("a/b");
    expect(uriEncode("é")).toBe("%C3%A9");
  });

  it("encodes each path segment once, however the URL parser spelled it, and keeps slashes", () => {
    expect(canonicalUri("/bucket/sha256/ab/file.png")).toBe("/bucket/sha256/ab/file.png");
    expect(canonicalUri(new URL("http://h/b/a b/é*'").pathname)).toBe("/b/a%20b/%C3%A9%2A%27");
    expect(canonicalUri("/b/a%20b")).toBe("/b/a%20b");
    expect(canonicalUri("/b/./x")).toBe("/b/./x");
    expect(canonicalUri("")).toBe("/");
  });

  it("sorts query parameters by name then value and gives bare names an empty value", () => {
    expect(canonicalQuery("")).toBe("");
    expect(canonicalQuery("?uploads")).toBe("uploads=");
    expect(canonicalQuery("?prefix=a%20b&list-type=2&a=2&a=1")).toBe("a=1&a=2&list-type=2&prefix=a%20b");
  });

  it("lower-cases and sorts header names and collapses spaces in values", () => {
    const text = canonicalRequest({ method: "put", pathname: "/b/k", search: "", headers: { "X-Amz-Meta-Note": "  two   spaces ", Host: "h:9000" }, payloadHash: "p" });
    expect(text).toBe(["PUT", "/b/k", "", "host:h:9000", "x-amz-meta-note:two spaces", "", "host;x-amz-meta-note", "p"].join("\n"));
  });
});

describe("parseAuthorization", () => {
  it("reads back what signRequest wrote", () => {
    expect(parseAuthorization(signExample().headers.authorization)).toEqual({
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      dateStamp: "20130524",
      region: "us-east-1",
      service: "s3",
      signedHeaders: ["host", "range", "x-amz-content-sha256", "x-amz-date"],
      signature: AWS_EXAMPLE.signature,
    });
  });

  it.each(["", "Bearer abc", "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request,SignedHeaders=host,Signature=short", "AWS4-HMAC-SHA256 Credential=AK/2013/us-east-1/s3/aws4_request,SignedHeaders=host,Signature=" + "a".repeat(64)])(
    "returns null for %j",
    (header) => {
      expect(parseAuthorization(header)).toBeNull();
    },
  );
});
