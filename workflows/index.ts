// Every workflow the worker registers.
export { applicationWorkflow } from './application';
