#!/usr/bin/python3
"""Test-only front of the S3 fixture: checks each request as S3 does, then forwards it to s3rver.

s3rver accepts any AWS Signature V4 as long as the access key exists, so this front recomputes
every signature with botocore (Debian's python3-botocore: run it with /usr/bin/python3) and refuses
what S3 would refuse, with S3's XML errors: no authentication (AccessDenied), an unknown access key
(InvalidAccessKeyId), a wrong signature (SignatureDoesNotMatch, with the canonical request S3 would
have signed), x-amz-* headers left unsigned, a body that does not match x-amz-content-sha256
(XAmzContentSHA256Mismatch), a clock more than 15 minutes off, an expired presigned URL.
Requests that pass go to s3rver unchanged (Host included) and its answer streams back.

It also fills the gaps of s3rver 3.7.1 that matter to a product cleaning up after itself, from
s3rver's data folder (--data): ListMultipartUploads, ListParts and AbortMultipartUpload, which s3rver
lacks; NoSuchUpload for parts of an upload that does not exist (s3rver would create it); and
CompleteMultipartUpload's checks (InvalidPart, InvalidPartOrder, EntityTooSmall).

Faults for tests (--faults FILE): while FILE (or FILE.NAME, one per test) holds a line "STATUS COUNT [CODE] [@TEXT]" (e.g. "500 2",
"503 1 SlowDown", "500 3 @/retry/") or "drop COUNT [@TEXT]", the next COUNT authenticated requests
(whose path and query contain TEXT, when given: tests running at the same time each scope their
faults to their own keys) get that error, or see their connection closed without an answer; the
first matching line with a count left is used and decremented.
"""
import argparse
import datetime
import glob
import hashlib
import hmac
import http.client
import http.server
import os
import re
import shutil
import socket
import ssl
import sys
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote, unquote_to_bytes
from xml.sax.saxutils import escape

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.compat import HTTPHeaders
from botocore.credentials import Credentials

BLOCK = 1 << 20
HOP_BY_HOP = {'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
              'expect', 'content-length'}
MIN_PART = 5 << 20  # S3's smallest part but the last
FAULT_CODES = {400: 'InvalidRequest', 403: 'AccessDenied', 404: 'NoSuchKey', 409: 'OperationAborted',
               500: 'InternalError', 501: 'NotImplemented', 503: 'SlowDown'}
S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/'


class S3Error(Exception):
    def __init__(self, status, code, message, **details):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


class BodyReader:
    """The request body as a file: Content-Length bytes, or the decoded chunks of a chunked body."""

    def __init__(self, rfile, headers):
        self.rfile = rfile
        self.chunked = 'chunked' in headers.get('Transfer-Encoding', '').lower()
        self.left = 0 if self.chunked else int(headers.get('Content-Length') or 0)
        self.done = not self.chunked and self.left == 0

    def read(self, size=BLOCK):
        if self.done:
            return b''
        if self.chunked and self.left == 0:
            self.left = int(self.rfile.readline().split(b';')[0], 16)
            if self.left == 0:  # last chunk: skip the trailers
                while self.rfile.readline() not in (b'\r\n', b'\n', b''):
                    pass
                self.done = True
                return b''
        data = self.rfile.read(min(size, self.left))
        if not data:
            raise ConnectionError('client closed the connection within the body')
        self.left -= len(data)
        if self.left == 0:
            if self.chunked:
                self.rfile.readline()  # the CRLF after the chunk
            else:
                self.done = True
        return data

    def drain(self):
        while self.read():
            pass


def canonical_path(path):
    # S3 does not normalise the path (no dot segments, no slash merging) and URI-encodes the key once:
    # decoded, then encoded by AWS's rules, whatever form the client sent.
    return quote(unquote_to_bytes(path or '/'), safe='/~')


def parse_query(query):
    # Decoded (name, value) pairs; '+' stays a plus, as S3 reads it.
    pairs = []
    for item in query.split('&') if query else []:
        name, _, value = item.partition('=')
        pairs.append((unquote(name), unquote(value)))
    return pairs


def malformed(detail, **details):
    return S3Error(400, 'AuthorizationHeaderMalformed', 'The authorization header is malformed' + detail, **details)


def amz_time(value):
    try:
        return datetime.datetime.strptime(value, '%Y%m%dT%H%M%SZ').replace(tzinfo=datetime.timezone.utc)
    except (TypeError, ValueError):
        raise S3Error(403, 'AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header')


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    timeout = 600  # an idle keep-alive connection ends after this

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, *args):  # one line per request, written by log_request below
        pass

    def log_request(self, status, size=0, note=''):
        elapsed = time.monotonic() - self.started
        self.server.log(f'{self.command} {self.path} {status} {size}B {elapsed:.3f}s {note}'.rstrip())

    def parse_request(self):
        self.started = time.monotonic()
        self.content_sha256, self.body = None, None
        return super().parse_request()

    # S3 refuses a bad signature before the body comes.
    def handle_expect_100(self):
        try:
            self.content_sha256 = self.authenticate()
        except S3Error as error:
            self.close_connection = True
            self.send_error_xml(error)
            return False
        return super().handle_expect_100()

    def do_request(self):
        self.body = BodyReader(self.rfile, self.headers)
        try:
            try:
                if self.content_sha256 is None:
                    self.content_sha256 = self.authenticate()
                body, length = self.receive_body()
                fault = self.server.take_fault(self.path)
                if fault and fault[0] == 'drop':
                    self.close_connection = True
                    self.log_request('dropped')
                    return
                if fault:
                    status = int(fault[0])
                    code = fault[2] if len(fault) > 2 and not fault[2].startswith('@') else None
                    raise S3Error(status, code or FAULT_CODES.get(status, 'InternalError'),
                                  'Fault injected by the test')
                if not self.fill_gaps(body):
                    self.forward(body, length)
            except S3Error as error:
                self.body.drain()  # the connection stays usable
                self.send_error_xml(error)
        except (ConnectionError, socket.timeout) as error:
            self.close_connection = True
            self.log_request('-', note=f'connection lost: {error}')

    do_GET = do_HEAD = do_PUT = do_POST = do_DELETE = do_OPTIONS = do_request

    # Authentication, as S3 does it: the signature recomputed by botocore over exactly what was received.
    def authenticate(self):
        """Returns the x-amz-content-sha256 the request was signed with, once the signature checks."""
        path, _, query = self.path.partition('?')
        params = parse_query(query)
        names = dict(params)
        header_auth = self.headers.get('Authorization')
        presigned = 'X-Amz-Signature' in names
        if header_auth and presigned:
            raise S3Error(400, 'InvalidArgument', 'Only one auth mechanism allowed')
        if not header_auth and not presigned:
            raise S3Error(403, 'AccessDenied', 'Access Denied')
        if header_auth:
            algorithm, _, rest = header_auth.strip().partition(' ')
            fields = dict(part.strip().partition('=')[::2] for part in rest.split(','))
            credential, signed = fields.get('Credential'), fields.get('SignedHeaders')
            signature = fields.get('Signature')
            timestamp = self.headers.get('X-Amz-Date')
            payload = self.headers.get('X-Amz-Content-SHA256')
        else:
            algorithm, credential = names.get('X-Amz-Algorithm'), names.get('X-Amz-Credential')
            signed, signature = names.get('X-Amz-SignedHeaders'), names['X-Amz-Signature']
            timestamp = names.get('X-Amz-Date')
            payload = 'UNSIGNED-PAYLOAD'
            params = [pair for pair in params if pair[0] != 'X-Amz-Signature']
        if algorithm != 'AWS4-HMAC-SHA256' or not credential or not signed or not signature:
            raise malformed('')
        scope = credential.split('/')
        if len(scope) != 5 or scope[3:] != ['s3', 'aws4_request']:
            raise malformed(f"; incorrect credential '{credential}'")
        access_key, date, region = scope[:3]
        if access_key != self.server.access_key:
            raise S3Error(403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our '
                          'records.', AWSAccessKeyId=access_key)
        if region != self.server.region:
            raise malformed(f"; the region '{region}' is wrong; expecting '{self.server.region}'", Region=self.server.region)
        when = amz_time(timestamp)
        if date != timestamp[:8]:
            raise malformed(f"; incorrect date '{date}'")
        now = datetime.datetime.now(datetime.timezone.utc)
        if presigned:
            if now > when + datetime.timedelta(seconds=int(names.get('X-Amz-Expires') or 0)):
                raise S3Error(403, 'AccessDenied', 'Request has expired')
        elif abs(now - when) > datetime.timedelta(minutes=15):
            raise S3Error(403, 'RequestTimeTooSkewed',
                          'The difference between the request time and the current time is too large.')
        if payload is None:
            raise S3Error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256')
        signed_names = signed.split(';')
        unsigned = sorted({n.lower() for n in self.headers if n.lower().startswith('x-amz-')} - set(signed_names))
        if unsigned:
            raise S3Error(403, 'AccessDenied', 'There were headers present in the request which were not signed',
                          HeadersNotSigned=', '.join(unsigned))

        # botocore's S3 signer, given the headers the client signed (its own choice would drop e.g.
        # User-Agent or Expect) and the canonical path (it takes the URL's path as is, unnormalised).
        headers = HTTPHeaders()
        for name in signed_names:
            for value in self.headers.get_all(name) or ['']:
                headers[name] = value
        signer = S3SigV4Auth(Credentials(access_key, self.server.secret), 's3', region)
        signer.headers_to_sign = lambda request: headers
        request = AWSRequest(method=self.command, url='http://front' + canonical_path(path), params=params,
                             headers={'X-Amz-Content-SHA256': payload})
        request.context['timestamp'] = timestamp
        canonical_request = signer.canonical_request(request)
        string_to_sign = signer.string_to_sign(request, canonical_request)
        if not hmac.compare_digest(signer.signature(string_to_sign, request), signature):
            raise S3Error(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the '
                          'signature you provided. Check your key and signing method.', AWSAccessKeyId=access_key,
                          StringToSign=string_to_sign, SignatureProvided=signature, CanonicalRequest=canonical_request)
        return payload

    def receive_body(self):
        """Returns the body to forward (a file, or the reader itself to stream it) and its length."""
        hashed = re.fullmatch(r'[0-9a-fA-F]{64}', self.content_sha256 or '')
        completion = self.command == 'POST' and 'uploadId=' in self.path  # read twice: checked here, then sent
        if not hashed and not self.body.chunked and not completion and not self.body.done:
            return self.body, self.body.left  # streamed through
        # Checked before it goes on: kept in memory, or on disk when large.
        spool = tempfile.SpooledTemporaryFile(max_size=16 << 20)
        digest = hashlib.sha256()
        for data in iter(self.body.read, b''):
            digest.update(data)
            spool.write(data)
        length = spool.tell()
        spool.seek(0)
        if hashed and digest.hexdigest() != self.content_sha256.lower():
            raise S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match "
                          'what was computed.', ClientComputedContentSHA256=self.content_sha256,
                          S3ComputedContentSHA256=digest.hexdigest())
        return spool, length

    def forward(self, body, length):
        backend = http.client.HTTPConnection(*self.server.backend, timeout=600, blocksize=BLOCK)
        try:
            backend.connect()
            backend.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            backend.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    backend.putheader(name, value)
            if length or 'Content-Length' in self.headers or self.body.chunked:
                backend.putheader('Content-Length', str(length))
            backend.endheaders()
            for data in iter(lambda: body.read(BLOCK), b''):
                backend.send(data)
            response = backend.getresponse()
        except OSError as error:
            backend.close()
            raise S3Error(503, 'ServiceUnavailable', f'The S3 server behind the front failed: {error}')
        try:
            self.relay(response)
        finally:
            backend.close()

    def relay(self, response):
        self.send_response_only(response.status, response.reason)
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP:
                self.send_header(name, value)
        length = response.getheader('Content-Length')
        no_body = self.command == 'HEAD' or response.status in (204, 304) or response.status < 200
        if length is not None:
            self.send_header('Content-Length', length)
        elif not no_body:
            self.send_header('Transfer-Encoding', 'chunked')
        self.end_headers()
        sent = 0
        if not no_body:
            buffer = memoryview(bytearray(BLOCK))
            while True:
                n = response.readinto(buffer)
                if not n:
                    break
                if length is None:
                    self.wfile.write(b'%x\r\n' % n + buffer[:n] + b'\r\n')
                else:
                    self.wfile.write(buffer[:n])
                sent += n
            if length is None:
                self.wfile.write(b'0\r\n\r\n')
            elif sent != int(length):
                self.close_connection = True  # s3rver stopped early: the client must see it
        self.log_request(response.status, sent)

    def send_error_xml(self, error):
        details = tags(**error.details)
        request_id = uuid.uuid4().hex[:16].upper()
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{error.code}</Code>'
                f'<Message>{escape(error.message)}</Message>{details}<RequestId>{request_id}</RequestId>'
                f'<HostId>coffre-s3-fixture</HostId></Error>').encode()
        self.send_xml(error.status, body, request_id, note=error.code)

    def send_xml(self, status, body, request_id=None, note=''):
        self.send_response_only(status)
        self.send_header('Content-Type', 'application/xml')
        self.send_header('x-amz-request-id', request_id or uuid.uuid4().hex[:16].upper())
        self.send_header('Date', self.date_time_string())
        if self.command == 'HEAD' or status == 204:
            body = b''
        self.send_header('Content-Length', str(len(body)))
        if self.close_connection:
            self.send_header('Connection', 'close')
        self.end_headers()
        self.wfile.write(body)
        self.log_request(status, len(body), note)

    # s3rver's gaps for multipart uploads, served from its data folder.
    def fill_gaps(self, body):
        if not self.server.data:
            return False
        path, _, query = self.path.partition('?')
        names = dict(parse_query(query))
        bucket, _, key = unquote(path[1:]).partition('/')
        uploads = os.path.join(self.server.data, bucket, '._S3rver_uploads')
        if not key and 'uploads' in names and self.command == 'GET':
            if not os.path.isdir(os.path.join(self.server.data, bucket)):
                raise S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', BucketName=bucket)
            self.list_uploads(bucket, uploads, names)
            return True
        if not key or 'uploadId' not in names:
            return False
        upload_id = names['uploadId']
        folder = os.path.join(uploads, upload_id)
        try:
            with open(os.path.join(folder, 'key'), encoding='utf-8') as f:
                found = re.fullmatch(r'[0-9a-f]+', upload_id) and f.read() == key
        except OSError:
            found = False
        if not found:
            raise S3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, '
                          'or the upload may have been aborted or completed.', UploadId=upload_id)
        if self.command == 'DELETE':
            shutil.rmtree(folder)
            self.send_xml(204, b'', note='AbortMultipartUpload (front)')
            return True
        if self.command == 'GET':
            self.list_parts(bucket, key, upload_id, folder, names)
            return True
        if self.command == 'POST':
            self.check_completion(body, folder)
            body.seek(0)
        return False  # UploadPart and CompleteMultipartUpload go on to s3rver

    def list_uploads(self, bucket, uploads, names):
        prefix, limit = names.get('prefix', ''), int(names.get('max-uploads') or 1000)
        marker = (names.get('key-marker', ''), names.get('upload-id-marker', ''))
        found = []
        for upload_id in os.listdir(uploads) if os.path.isdir(uploads) else []:
            path = os.path.join(uploads, upload_id, 'key')
            try:
                with open(path, encoding='utf-8') as f:
                    key = f.read()
            except OSError:
                continue  # parts without an upload: s3rver's doing, not an upload
            if key.startswith(prefix) and ((key, upload_id) > marker if marker[1] else key > marker[0]):
                found.append((key, upload_id, os.stat(path).st_mtime))
        found.sort()
        owner = tags(ID='123456789000', DisplayName='S3rver')
        items = ''.join(f'<Upload>{tags(Key=k, UploadId=u)}<Initiator>{owner}</Initiator><Owner>{owner}</Owner>'
                        f'{tags(StorageClass="STANDARD", Initiated=iso(t))}</Upload>' for k, u, t in found[:limit])
        fields = dict(Bucket=bucket, KeyMarker=marker[0], UploadIdMarker=marker[1])
        truncated = len(found) > limit > 0
        if truncated:
            fields.update(NextKeyMarker=found[limit - 1][0], NextUploadIdMarker=found[limit - 1][1])
        fields.update(Prefix=prefix, MaxUploads=limit, IsTruncated=str(truncated).lower())
        self.send_result('ListMultipartUploadsResult', tags(**fields) + items)

    @staticmethod
    def parts(folder):
        """{number: (size, md5, mtime)} of the parts s3rver keeps for an upload."""
        found = {}
        for name in os.listdir(folder):
            if name.isdigit() and os.path.exists(os.path.join(folder, name + '.md5')):
                with open(os.path.join(folder, name + '.md5')) as f:
                    stat = os.stat(os.path.join(folder, name))
                    found[int(name)] = (stat.st_size, f.read().strip(), stat.st_mtime)
        return found

    def list_parts(self, bucket, key, upload_id, folder, names):
        marker, limit = int(names.get('part-number-marker') or 0), int(names.get('max-parts') or 1000)
        parts = self.parts(folder)
        numbers = sorted(n for n in parts if n > marker)
        items = ''.join('<Part>' + tags(PartNumber=n, LastModified=iso(parts[n][2]), ETag=f'"{parts[n][1]}"',
                                        Size=parts[n][0]) + '</Part>' for n in numbers[:limit])
        self.send_result('ListPartsResult', tags(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumberMarker=marker,
            NextPartNumberMarker=numbers[:limit][-1] if numbers[:limit] else 0, MaxParts=limit,
            IsTruncated=str(len(numbers) > limit).lower(), StorageClass='STANDARD') + items)

    def send_result(self, name, content):
        self.send_xml(200, f'<?xml version="1.0" encoding="UTF-8"?>\n<{name} xmlns="{S3_NS}">{content}</{name}>'.encode(),
                      note=f'{name} (front)')

    def check_completion(self, body, folder):
        # S3 checks what s3rver does not: each part listed exists with that ETag, in ascending order,
        # and every part but the last holds at least 5 MiB.
        malformed_xml = S3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate '
                                'against our published schema')
        try:
            listed = [(int(part.findtext('{*}PartNumber')), part.findtext('{*}ETag').strip('"'))
                      for part in ET.fromstring(body.read()).findall('{*}Part')]
        except (ET.ParseError, TypeError, ValueError, AttributeError):
            raise malformed_xml
        if not listed:
            raise malformed_xml
        stored = self.parts(folder)
        if [n for n, _ in listed] != sorted({n for n, _ in listed}):
            raise S3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. '
                          'Parts must be ordered by part number.')
        for index, (number, etag) in enumerate(listed):
            if number not in stored or stored[number][1] != etag:
                raise S3Error(400, 'InvalidPart', 'One or more of the specified parts could not be found. The part '
                              'may not have been uploaded, or the specified entity tag may not match the part\'s '
                              'entity tag.', PartNumber=number, ETag=etag)
            if index < len(listed) - 1 and stored[number][0] < MIN_PART:
                raise S3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed '
                              'object size.', PartNumber=number, ProposedSize=stored[number][0], MinSizeAllowed=MIN_PART)


def tags(**fields):
    return ''.join(f'<{name}>{escape(str(value))}</{name}>' for name, value in fields.items())


def iso(timestamp):
    return datetime.datetime.fromtimestamp(timestamp, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S.000Z')


class Front(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, args, secret):
        host, port = args.listen.rsplit(':', 1)
        backend_host, backend_port = args.backend.rsplit(':', 1)
        self.backend = (backend_host, int(backend_port))
        self.access_key, self.secret, self.region = args.access_key, secret, args.region
        self.faults, self.data = args.faults, args.data
        self.lock = threading.Lock()
        self.log_file = open(args.log, 'a', buffering=1) if args.log else sys.stderr
        super().__init__((host, int(port)), Handler)

    def log(self, line):
        with self.lock:
            self.log_file.write(f'{datetime.datetime.now():%H:%M:%S.%f} {line}\n')

    def handle_error(self, request, client_address):
        self.log(f'error with {client_address}: {sys.exc_info()[1]!r}')

    def take_fault(self, path):
        # FILE and FILE.anything: tests running at the same time each write their own.
        if not self.faults:
            return None
        with self.lock:
            for name in sorted(glob.glob(glob.escape(self.faults) + '*')):
                if name.endswith('.new'):
                    continue
                try:
                    with open(name) as f:
                        lines = [line.split() for line in f if line.strip() and not line.startswith('#')]
                except FileNotFoundError:
                    continue
                for line in lines:
                    scope = [word[1:] for word in line if word.startswith('@')]
                    if scope and scope[0] not in path:
                        continue
                    if len(line) >= 2 and line[1].isdigit() and int(line[1]) > 0:
                        line[1] = str(int(line[1]) - 1)
                        with open(name + '.new', 'w') as f:
                            f.writelines(' '.join(entry) + '\n' for entry in lines)
                        os.replace(name + '.new', name)
                        return line
            return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--listen', required=True, help='HOST:PORT to serve')
    parser.add_argument('--backend', required=True, help="s3rver's HOST:PORT")
    parser.add_argument('--access-key', default='S3RVER')
    parser.add_argument('--secret', help='the secret access key (or --secret-file)')
    parser.add_argument('--secret-file')
    parser.add_argument('--region', default='us-east-1')
    parser.add_argument('--data', help="s3rver's data folder, to fill its gaps for multipart uploads")
    parser.add_argument('--faults', help='file of faults to inject (see above)')
    parser.add_argument('--log', help='one line per request goes there')
    parser.add_argument('--tls-cert', help='serve HTTPS with this certificate chain (PEM)')
    parser.add_argument('--tls-key', help='and this private key (PEM)')
    args = parser.parse_args()
    secret = args.secret
    if args.secret_file:
        with open(args.secret_file) as f:
            secret = f.read().strip()
    if not secret:
        parser.error('--secret or --secret-file is required')
    server = Front(args, secret)
    if args.tls_cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    server.log(f'listening on {args.listen}{" (TLS)" if args.tls_cert else ""}, forwarding to {args.backend}')
    server.serve_forever()


if __name__ == '__main__':
    main()
