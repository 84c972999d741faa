package dev.mxj.op.codegen;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the array class for which {@link WrapperProcessor} generates the typed operator
 * wrappers ({@code Nd} and the array's generated superclass {@code NDArrayOps}) in the same
 * package. Methods declared by the annotated class itself are never generated again, so
 * hand-written conveniences win over generated ones of the same signature.
 */
@Retention(RetentionPolicy.SOURCE)
@Target(ElementType.TYPE)
public @interface GenerateOpWrappers {}
