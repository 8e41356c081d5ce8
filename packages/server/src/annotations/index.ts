export { AnnotationService, annotationInstant, bucketOf } from './service';
