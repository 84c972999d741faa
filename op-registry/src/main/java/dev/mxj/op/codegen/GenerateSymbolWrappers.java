package dev.mxj.op.codegen;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the symbol class for which {@link WrapperProcessor} generates {@code Sym}, the typed
 * symbol constructors ({@code Sym.fullyConnected("fc1", data, 128)}), in the same package.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface GenerateSymbolWrappers {}
