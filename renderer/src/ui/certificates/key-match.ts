/**
 * The UI sends one file per request (the web mode caps a request's size), so a key.pem opened next
 * to its cert.pem is matched across the opened files here, with the same shared rule the service
 * uses within one request.
 */
export { matchKeysAcrossFiles } from '../../../../shared/cert/key-match';
