/** Asking the process that holds a run to act on it: the queue's types, the holder's side, the asker's side. */
export { type NewRunRequest, type RunRequest, type RunRequestBody, type RunRequestOutcome, type RunRequestQueue, type RunRequestStatus } from './run-request';
export { RunOwner, type RunOwnerOptions } from './run-owner';
export { askHolder, type AskHolderOptions, type AskHolderOutcome } from './ask-holder';
export { RequestCarrier, type CarriedOut, type RequestCarrierOptions } from './request-carrier';
