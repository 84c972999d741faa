/**
 * What the Python and JavaScript front ends call: the operator catalogue they generate their
 * operator functions from, invokers that hold an operator with its parameters already parsed (so
 * that a guest-language operator call is one short host call), symbol/executor/viz/checkpoint glue
 * in the plain arrays the bridges unpack, and adapters ({@code Guest*}) through which guest-written
 * iterators, metrics and initializers take part in the runtime's loops. Shared by both front ends
 * so that each fact lives in one place; nothing here depends on the polyglot API.
 */
package dev.mxj.interop;
